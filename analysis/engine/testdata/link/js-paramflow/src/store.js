// A class given its pool by the constructor.
export class Store {
  constructor(pool) {
    this.pool = pool;
  }

  async run(sql) {
    const conn = await this.pool.getConnection();
    try {
      const [rows] = await conn.query(sql);
      return rows;
    } finally {
      conn.release();
    }
  }
}

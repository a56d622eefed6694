import re
import sqlite3

# os.system("rm -rf /") in a comment is not a call
NOTE = "subprocess.run(['rm'])"


def open(path):  # a local function named open
    return path


def fetch(url):
    return url


class Store:
    def open(self):
        return self

    def run(self, q):
        return q

    def use(self, cursor, exec):
        self.open()
        cursor.execute("DELETE FROM t")
        exec("not a builtin: a parameter")
        fetch("https://x")
        open("/etc/passwd")
        self.run("x")


def other(db, run):
    run("ls")
    db.execute("SELECT 1")
    re.compile(r"\d+").match("1")
    conn = sqlite3.connect(":memory:")
    conn.execute("SELECT 1")
    "a,b".split(",")
    ", ".join(["a"])

package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/scope"
)

func lit(v string) facts.Arg             { return facts.Arg{Value: v, Known: true, Func: -1} }
func pre(v string) facts.Arg             { return facts.Arg{Value: v, Known: true, Prefix: true, Func: -1} }
func num(n string) facts.Arg             { return facts.Arg{Number: n, Func: -1} }
func dyn() facts.Arg                     { return facts.Arg{Func: -1, Refs: []facts.ParamRef{{Fn: 1, Param: 0}}} }
func kw(n string, a facts.Arg) facts.Arg { a.Name = n; return a }
func obj(props map[string]facts.Arg) facts.Arg {
	return facts.Arg{Props: props, Func: -1}
}
func elems(as ...facts.Arg) facts.Arg { return facts.Arg{Elems: as, Func: -1} }

func call(mod, member string, args ...facts.Arg) *facts.Call {
	return &facts.Call{Module: mod, Member: member, Args: args}
}

func access(mod, member, key string) *facts.Call {
	return &facts.Call{Module: mod, Member: member, Access: true, Key: key}
}

func mustDefault(t testing.TB) *Set {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return s
}

// want is "rule-id=scope" for each expected match ("rule-id=" for no scope).
func TestMatch(t *testing.T) {
	s := mustDefault(t)
	tests := []struct {
		name   string
		family string
		call   *facts.Call
		want   []string
	}{
		// ------------------------------------------------------------- js
		{"fs.readFile", "js", call("fs", "readFile", lit("/etc/passwd")), []string{"js.fs.read=/etc/passwd"}},
		{"fs/promises readFile", "js", call("fs", "promises.readFile", pre("/data/"), lit("utf8")), []string{"js.fs.read=/data/**"}},
		// Node does not expand "~": this writes ./~/.bashrc.
		{"fs.writeFileSync tilde", "js", call("fs", "writeFileSync", lit("~/.bashrc"), dyn()), []string{"js.fs.write=${CWD}/~/.bashrc"}},
		{"fs.open default flags", "js", call("fs", "open", lit("a.txt")), []string{"js.fs.open-read=a.txt"}},
		{"fs.open r", "js", call("fs", "openSync", lit("a.txt"), lit("r")), []string{"js.fs.open-read=a.txt"}},
		{"fs.open w", "js", call("fs", "promises.open", lit("a.txt"), lit("w+")), []string{"js.fs.open-write=a.txt"}},
		{"fs.open unknown flags", "js", call("fs", "open", lit("a.txt"), dyn()), []string{"js.fs.open-write=a.txt"}},
		{"fs.copyFile", "js", call("fs", "copyFile", lit("/src"), lit("/dst")), []string{"js.fs.read-copy-source=/src", "js.fs.write-target=/dst"}},
		{"fs.mkdtemp", "js", call("fs", "mkdtempSync", lit("/tmp/app-")), []string{"js.fs.write-temp=/tmp/**"}},
		{"fs.rm", "js", call("fs", "rmSync", dyn(), obj(map[string]facts.Arg{"recursive": lit("true")})), []string{"js.fs.delete="}},
		{"filehandle write", "js", call("fs", "promises.open().write", dyn()), []string{"js.fs.filehandle-write="}},
		{"fs-extra shares fs rules", "js", call("fs-extra", "remove", lit("build")), []string{"js.fs-extra.delete=build"}},
		{"exec", "js", call("child_process", "exec", lit("git status --short")), []string{"js.child_process.shell=git"}},
		{"execFile", "js", call("child_process", "execFile", lit("git"), elems(lit("log"))), []string{"js.child_process.execfile=git"}},
		{"fork fixed", "js", call("child_process", "fork", lit("./worker.js")), []string{"js.child_process.fork=node"}},
		{"fetch", "js", call("globalThis", "fetch", pre("https://api.github.com/repos/")), []string{"js.global.fetch=api.github.com"}},
		{"fetch non-literal", "js", call("globalThis", "fetch", dyn()), []string{"js.global.fetch="}},
		{"http.request options", "js", call("https", "request", obj(map[string]facts.Arg{"hostname": lit("Example.com"), "path": lit("/")})), []string{"js.http.request=example.com"}},
		{"http listen", "js", call("http", "createServer().listen", obj(map[string]facts.Arg{"port": num("8080"), "host": lit("127.0.0.1")})), []string{"js.http.listen=127.0.0.1:8080"}},
		{"express listen", "js", call("express", "().listen", num("3000")), []string{"js.http-framework.listen=3000"}},
		{"net.connect", "js", call("net", "connect", num("6379"), lit("cache.internal")), []string{"js.net.connect=cache.internal"}},
		{"process.env.HOME", "js", access("globalThis", "process.env", "HOME"), []string{"js.process.env=HOME"}},
		{"process.env computed", "js", access("globalThis", "process.env", ""), []string{"js.process.env="}},
		{"process.kill", "js", call("globalThis", "process.kill", dyn()), []string{"js.process.control="}},
		{"os.hostname", "js", call("os", "hostname"), []string{"js.os.info="}},
		{"os.tmpdir not flagged", "js", call("os", "tmpdir"), nil},
		{"Buffer.allocUnsafe", "js", call("globalThis", "Buffer.allocUnsafe", num("10")), []string{"js.buffer.unsafe="}},
		{"Buffer.alloc not flagged", "js", call("globalThis", "Buffer.alloc", num("10")), nil},
		{"buffer module", "js", call("buffer", "Buffer.allocUnsafeSlow", num("10")), []string{"js.buffer.unsafe="}},
		{"SharedArrayBuffer", "js", &facts.Call{Module: "globalThis", Member: "SharedArrayBuffer", New: true}, []string{"js.shared-memory="}},
		{"eval", "js", call("globalThis", "eval", dyn()), []string{"js.global.eval="}},
		{"eval of a literal", "js", call("globalThis", "eval", lit("1+1")), nil},
		{"Function with a computed body", "js", call("globalThis", "Function", dyn()), []string{"js.global.function-body="}},
		{"Function polyfill of a literal body", "js", call("globalThis", "Function", lit("return this")), nil},
		{"Function with parameters", "js", call("globalThis", "Function", lit("a"), lit("return a")), []string{"js.global.function="}},
		{"require literal not flagged", "js", call("globalThis", "require", lit("fs")), nil},
		{"require computed", "js", call("globalThis", "require", dyn()), []string{"js.dynamic-import="}},
		{"import prefix", "js", call("globalThis", "import", pre("./plugins/")), []string{"js.dynamic-import="}},
		{"vm", "js", call("vm", "runInNewContext", dyn()), []string{"js.vm.run="}},
		{"Worker file not flagged", "js", call("worker_threads", "Worker", lit("./w.js")), nil},
		{"Worker eval", "js", call("worker_threads", "Worker", dyn(), obj(map[string]facts.Arg{"eval": lit("true")})), []string{"js.worker_threads.eval="}},
		{"Worker eval false", "js", call("worker_threads", "Worker", dyn(), obj(map[string]facts.Arg{"eval": lit("false")})), nil},
		{"axios default", "js", call("axios", "", obj(map[string]facts.Arg{"url": lit("https://x.example/a")})), []string{"js.axios.request=x.example"}},
		{"axios instance", "js", call("axios", "create().get", lit("/users")), []string{"js.axios.request="}},
		{"axios interceptors excepted", "js", call("axios", "create().interceptors.request.use", dyn()), nil},
		{"pg query", "js", call("pg", "Pool().query", lit("select 1")), []string{"js.pg.query="}},
		{"pg Client constructor not flagged", "js", &facts.Call{Module: "pg", Member: "Client", New: true}, nil},
		{"puppeteer goto chain", "js", call("puppeteer", "launch().newPage().goto", lit("https://internal.corp/")), []string{"js.browser.navigate=internal.corp"}},
		{"puppeteer launch", "js", call("puppeteer", "launch"), []string{"js.browser.launch="}},
		{"shelljs sed -i", "js", call("shelljs", "sed", lit("-i"), dyn(), lit("x"), lit("a.txt")), []string{"js.shelljs.sed-in-place=a.txt"}},
		{"shelljs sed read", "js", call("shelljs", "sed", dyn(), lit("x"), lit("a.txt")), nil},
		{"shelljs rm flags", "js", call("shelljs", "rm", lit("-rf"), lit("dist")), []string{"js.shelljs.delete=dist"}},
		{"simple-git fixed", "js", call("simple-git", "simpleGit", lit("/repo")), []string{"js.simple-git.run=git"}},
		{"dotenv", "js", call("dotenv", "config"), []string{"js.dotenv.env=", "js.dotenv.read=.env"}},
		{"sqlite memory", "js", call("better-sqlite3", "", lit(":memory:")), nil},
		{"sqlite file", "js", call("better-sqlite3", "", lit("data/app.db")), []string{"js.sqlite.open=data/app.db"}},
		{"octokit", "js", call("@octokit/rest", "Octokit().rest.issues.listForRepo", obj(nil)), []string{"js.octokit.api=api.github.com"}},
		{"octokit hook excepted", "js", call("@octokit/rest", "Octokit().hook.before", lit("request"), dyn()), nil},
		{"openai default import", "js", call("openai", "().chat.completions.create", obj(nil)), []string{"js.openai.api=api.openai.com"}},
		{"path.join not flagged", "js", call("path", "join", lit("a"), lit("b")), nil},
		{"RegExp exec not flagged", "js", call("globalThis", "RegExp().exec", dyn()), nil},
		{"stdio transport not flagged", "js", call("@modelcontextprotocol/sdk/server/stdio.js", "StdioServerTransport"), nil},
		{"wrong family", "python", call("child_process", "exec", lit("ls")), nil},
		// --------------------------------------------------------- python
		{"open read", "python", call("builtins", "open", lit("notes.txt")), []string{"python.builtins.open-read=notes.txt"}},
		{"open rb", "python", call("builtins", "open", lit("f"), lit("rb")), []string{"python.builtins.open-read=f"}},
		{"open w", "python", call("builtins", "open", lit("f"), lit("w")), []string{"python.builtins.open-write=f"}},
		{"open mode kw", "python", call("builtins", "open", kw("encoding", lit("utf8")), lit("out.txt"), kw("mode", lit("a"))), []string{"python.builtins.open-write=out.txt"}},
		{"open file kw", "python", call("builtins", "open", kw("file", lit("in.txt"))), []string{"python.builtins.open-read=in.txt"}},
		{"open mode unknown", "python", call("builtins", "open", lit("f"), dyn()), []string{"python.builtins.open-write=f"}},
		{"open spread", "python", &facts.Call{Module: "builtins", Member: "open", Args: []facts.Arg{lit("f")}, Spread: true}, []string{"python.builtins.open-write=f"}},
		{"os.path.exists via os", "python", call("os", "path.exists", lit("/etc/hosts")), []string{"python.os.read=/etc/hosts"}},
		{"os.path.exists via os.path", "python", call("os.path", "exists", lit("/etc/hosts")), []string{"python.os.read=/etc/hosts"}},
		{"os.path.join not flagged", "python", call("os.path", "join", lit("a"), lit("b")), nil},
		{"os.path.abspath not flagged", "python", call("os", "path.abspath", lit("a")), nil},
		{"re.compile not flagged", "python", call("re", "compile", lit("a+")), nil},
		{"sqlite3 cursor SELECT reads the file", "python", call("sqlite3", "connect().cursor().execute", lit("select 1")), []string{"python.sqlite3.query="}},
		{"sqlite3 cursor INSERT writes the file", "python", call("sqlite3", "connect().cursor().execute", lit("INSERT INTO t VALUES (1)")), []string{"python.sqlite3.modify="}},
		{"cursor.execute of a project module not flagged", "python", call("app.db", "connect().cursor().execute", lit("select 1")), nil},
		{"eval", "python", call("builtins", "eval", dyn()), []string{"python.builtins.eval="}},
		{"os.system", "python", call("os", "system", lit("rm -rf /tmp/x")), []string{"python.os.shell=rm"}},
		{"subprocess list", "python", call("subprocess", "run", elems(lit("git"), lit("status")), kw("check", lit("True"))), []string{"python.subprocess.run=git"}},
		{"subprocess kw args", "python", call("subprocess", "check_output", kw("args", lit("ls -l"))), []string{"python.subprocess.run=ls"}},
		{"os.environ[]", "python", access("os", "environ", "GITHUB_TOKEN"), []string{"python.os.environ=GITHUB_TOKEN"}},
		{"os.getenv", "python", call("os", "getenv", lit("HOME")), []string{"python.os.getenv=HOME"}},
		{"environ.get", "python", call("os", "environ.get", lit("API_KEY"), lit("")), []string{"python.os.getenv=API_KEY"}},
		{"requests.get", "python", call("requests", "get", pre("https://api.github.com/")), []string{"python.requests.request=api.github.com"}},
		{"requests.request", "python", call("requests", "request", lit("GET"), lit("http://localhost:8080/x")), []string{"python.requests.request-method=localhost:8080"}},
		{"Session().get kw", "python", call("requests", "Session().get", kw("url", lit("https://x.io")), kw("timeout", num("3"))), []string{"python.requests.request=x.io"}},
		{"httpx AsyncClient", "python", call("httpx", "AsyncClient().post", lit("https://h.example/")), []string{"python.httpx.request=h.example"}},
		{"sqlalchemy sqlite", "python", call("sqlalchemy", "create_engine", lit("sqlite:///app.db")), []string{"python.sqlalchemy.sqlite="}},
		{"sqlalchemy sqlite prefix", "python", call("sqlalchemy", "create_engine", pre("sqlite:///")), []string{"python.sqlalchemy.sqlite="}},
		{"sqlalchemy memory", "python", call("sqlalchemy", "create_engine", lit("sqlite://")), nil},
		{"sqlalchemy postgres", "python", call("sqlalchemy", "create_engine", lit("postgresql+psycopg://u@db.internal/app")), []string{"python.sqlalchemy.network=db.internal"}},
		{"sqlalchemy unknown", "python", call("sqlalchemy", "create_engine", dyn()), []string{"python.sqlalchemy.network="}},
		{"fastmcp sse", "python", call("mcp.server.fastmcp", "FastMCP().run", kw("transport", lit("sse"))), []string{"python.fastmcp.http="}},
		{"fastmcp http port", "python", call("fastmcp", "FastMCP().run", lit("http"), kw("host", lit("0.0.0.0")), kw("port", num("9000"))), []string{"python.fastmcp.http=9000"}},
		{"fastmcp stdio", "python", call("fastmcp", "FastMCP().run", kw("transport", lit("stdio"))), nil},
		{"fastmcp default", "python", call("fastmcp", "FastMCP().run"), nil},
		{"tempfile default", "python", call("tempfile", "mkstemp"), []string{"python.tempfile.write=${TMP}/**"}},
		{"tempfile computed dir", "python", call("tempfile", "mkdtemp", kw("dir", dyn())), []string{"python.tempfile.write="}},
		{"dotenv computed path", "js", call("dotenv", "config", obj(map[string]facts.Arg{"path": dyn()})), []string{"js.dotenv.env=", "js.dotenv.read="}},
		{"tempfile dir", "python", call("tempfile", "NamedTemporaryFile", kw("dir", lit("/srv/cache"))), []string{"python.tempfile.write=/srv/cache/**"}},
		{"pathlib chain", "python", call("pathlib", "Path().parent.mkdir", kw("parents", lit("True"))), []string{"python.pathlib.write="}},
		{"pathlib read_text", "python", call("pathlib", "Path().read_text"), []string{"python.pathlib.read="}},
		{"pathlib open mode", "python", call("pathlib", "Path().open", lit("w")), []string{"python.pathlib.open-write="}},
		{"pathlib scope from receiver", "python", &facts.Call{Module: "pathlib", Member: "Path().write_text", Args: []facts.Arg{dyn()},
			Recv: &facts.Arg{Value: "/etc/cron.d/job", Known: true, Func: -1}}, []string{"python.pathlib.write=/etc/cron.d/job"}},
		{"pathlib receiver prefix", "python", &facts.Call{Module: "pathlib", Member: "Path().read_text",
			Recv: &facts.Arg{Value: "/data/", Known: true, Prefix: true, Func: -1}}, []string{"python.pathlib.read=/data/**"}},
		{"pathlib pure not flagged", "python", call("pathlib", "PurePath().joinpath", lit("x")), nil},
		{"http.server tuple", "python", call("http.server", "HTTPServer", elems(lit(""), num("8000")), dyn()), []string{"python.http.server=8000"}},
		{"socket connect tuple", "python", call("socket", "socket().connect", elems(lit("example.com"), num("443"))), []string{"python.socket.connect=example.com:443"}},
		{"ctypes CDLL", "python", call("ctypes", "CDLL", lit("libc.so.6")), []string{"python.ctypes.native=libc.so.6"}},
		{"importlib literal", "python", call("importlib", "import_module", lit("json")), nil},
		{"importlib computed", "python", call("importlib", "import_module", dyn()), []string{"python.importlib.dynamic="}},
		{"git clone", "python", call("git", "Repo.clone_from", lit("https://github.com/a/b"), lit("/tmp/b")), []string{"python.git.clone=github.com", "python.git.run=git", "python.git.write=/tmp/b/**"}},
		{"git command", "python", call("git", "Repo().git.log", lit("--oneline")), []string{"python.git.run=git"}},
		{"logging basicConfig no file", "python", call("logging", "basicConfig", kw("level", dyn())), nil},
		{"logging basicConfig file", "python", call("logging", "basicConfig", kw("filename", lit("app.log"))), []string{"python.logging.basic-config-file=app.log"}},
		{"PyGithub", "python", call("github", "Github().get_repo", dyn()), []string{"python.github.api=api.github.com"}},
		{"shutil.which stats PATH", "python", call("shutil", "which", lit("git")), []string{"python.shutil.which=/**/git"}},
		// ------------------------------------------------------------- go
		{"os.ReadFile", "go", call("os", "ReadFile", lit("config.yaml")), []string{"go.os.read=config.yaml"}},
		{"os.OpenFile flags unknown", "go", call("os", "OpenFile", dyn(), dyn(), num("0o644")), []string{"go.os.openfile-write="}},
		{"exec.Command", "go", call("os/exec", "Command", lit("git"), lit("status")), []string{"go.exec.command=git"}},
		{"exec.CommandContext", "go", call("os/exec", "CommandContext", dyn(), lit("sh"), lit("-c"), dyn()), []string{"go.exec.command-context=sh"}},
		{"go-github glob", "go", call("github.com/google/go-github/v62/github", "NewClient().Issues.ListByRepo", dyn()), []string{"go.github.api=api.github.com"}},
		{"go-github deeper module no", "go", call("github.com/google/go-github/v62/github/extra", "NewClient().Issues.ListByRepo"), nil},
		{"go-github config excepted", "go", call("github.com/google/go-github/v62/github", "NewClient().WithAuthToken", dyn()), nil},
		{"go-github after config", "go", call("github.com/google/go-github/v62/github", "NewClient().WithAuthToken().Repositories.Get", dyn()), []string{"go.github.api=api.github.com"}},
		{"go-github constructor no", "go", call("github.com/google/go-github/v62/github", "NewClient", dyn()), nil},
		{"resty chain", "go", call("github.com/go-resty/resty/v2", "New().R().SetHeader().SetBody().Post", lit("https://api.example.com/x")), []string{"go.resty.request=api.example.com"}},
		{"resty setter not flagged", "go", call("github.com/go-resty/resty/v2", "New().R().SetHeader", lit("A"), lit("b")), nil},
		{"http.Get", "go", call("net/http", "Get", lit("https://example.com")), []string{"go.http.client=example.com"}},
		{"http.Client Do", "go", call("net/http", "Client().Do", dyn()), []string{"go.http.do="}},
		{"ListenAndServe", "go", call("net/http", "ListenAndServe", lit(":8080"), dyn()), []string{"go.http.server=8080"}},
		{"http.NewRequest not flagged", "go", call("net/http", "NewRequest", lit("GET"), lit("https://x")), nil},
		{"sql sqlite", "go", call("database/sql", "Open", lit("sqlite3"), lit("app.db")), []string{"go.sql.open-sqlite=app.db"}},
		{"sql postgres", "go", call("database/sql", "Open", lit("postgres"), lit("postgres://db.internal/app")), []string{"go.sql.open=db.internal"}},
		{"unsafe.Pointer", "go", call("unsafe", "Pointer", dyn()), []string{"go.unsafe.pointer="}},
		{"mcp-go sse", "go", call("github.com/mark3labs/mcp-go/server", "NewSSEServer().Start", lit(":8080")), []string{"go.mcp-go.http=8080"}},
		{"mcp-go stdio not flagged", "go", call("github.com/mark3labs/mcp-go/server", "ServeStdio", dyn()), nil},
		{"signal.Notify is low-risk process control", "go", call("os/signal", "Notify", dyn()), []string{"go.signal.notify="}},
		{"signal.Reset not flagged", "go", call("os/signal", "Reset"), nil},
		{"pgx glob", "go", call("github.com/jackc/pgx/v5", "Connect", dyn(), lit("postgres://pg:5433/x")), []string{"go.pgx.connect=pg:5433"}},
		{"os.Getenv", "go", call("os", "Getenv", lit("GITHUB_TOKEN")), []string{"go.os.env=GITHUB_TOKEN"}},
		// ------------------------------------- found on published servers
		{"go-github response body not flagged", "go", call("github.com/google/go-github/v74/github", "Client().Issues.Get().Body.Close"), nil},
		{"go-github result accessor not flagged", "go", call("github.com/google/go-github/v74/github", "Client().Issues.Create().GetHTMLURL"), nil},
		{"go-github service call", "go", call("github.com/google/go-github/v74/github", "Client().Issues.Get", dyn(), dyn()), []string{"go.github.api=api.github.com"}},
		{"go-github NewRequest result not flagged", "go", call("github.com/google/go-github/v74/github", "Client().NewRequest().WithContext", dyn()), nil},
		{"go-github chained enterprise config", "go", call("github.com/google/go-github/v74/github", "NewClient().WithAuthToken().WithEnterpriseURLs", dyn(), dyn()), nil},
		{"aws result not flagged", "go", call("github.com/aws/aws-sdk-go-v2/service/s3", "NewFromConfig().GetObject().Body.Close"), nil},
		{"axios response stream not flagged", "js", call("axios", "create().post().data.on", lit("data"), dyn()), nil},
		{"octokit response data not flagged", "js", call("@octokit/rest", "Octokit().request().data.map", dyn()), nil},
		{"PyGithub repository method", "python", call("github", "Github().get_repo().create_issue", kw("title", dyn())), []string{"python.github.api=api.github.com"}},
		{"PyGithub result of result not flagged", "python", call("github", "Github().get_repo().get_issue().title.upper"), nil},
		{"GitPython output not flagged", "python", call("git", "Repo().git.status().splitlines"), nil},
		{"redis command", "js", call("redis", "createClient().get", dyn()), []string{"js.redis.command="}},
		{"redis command scope from client", "js", &facts.Call{Module: "redis", Member: "createClient().set", Args: []facts.Arg{dyn(), dyn()},
			Recv: &facts.Arg{Func: -1, Props: map[string]facts.Arg{"url": lit("redis://cache.internal:6380")}}}, []string{"js.redis.command=cache.internal:6380"}},
		{"redis listener not flagged", "js", call("redis", "createClient().on", lit("error"), dyn()), nil},
		{"redis multi exec", "js", call("redis", "createClient().multi().exec"), []string{"js.redis.command="}},
		{"redis multi queue not flagged", "js", call("redis", "createClient().multi().set", dyn(), dyn()), nil},
		{"ioredis default import command", "js", call("ioredis", "().hgetall", dyn()), []string{"js.ioredis.command="}},
		{"ioredis quit not flagged", "js", call("ioredis", "Redis().quit"), nil},
		{"firecrawl default", "js", &facts.Call{Module: "firecrawl", New: true, Args: []facts.Arg{obj(map[string]facts.Arg{"apiKey": dyn()})}}, []string{"js.firecrawl.client=api.firecrawl.dev"}},
		{"firecrawl no options", "js", &facts.Call{Module: "firecrawl", New: true}, []string{"js.firecrawl.client=api.firecrawl.dev"}},
		// Options computed elsewhere, spread or **kwargs may set the host:
		// not the default (issue 14).
		{"firecrawl computed options", "js", &facts.Call{Module: "firecrawl", New: true, Args: []facts.Arg{dyn()}}, []string{"js.firecrawl.client="}},
		{"firecrawl spread options", "js", &facts.Call{Module: "firecrawl", New: true, Args: []facts.Arg{obj(map[string]facts.Arg{"apiKey": dyn(), facts.OpenProps: dyn()})}}, []string{"js.firecrawl.client="}},
		{"firecrawl self-hosted", "js", &facts.Call{Module: "@mendable/firecrawl-js", Member: "FirecrawlApp", New: true,
			Args: []facts.Arg{obj(map[string]facts.Arg{"apiUrl": lit("http://localhost:3002")})}}, []string{"js.firecrawl.client=localhost:3002"}},
		{"firecrawl result not flagged", "js", call("firecrawl", "().http.instance.interceptors.request.use", dyn()), nil},
		{"kubernetes api client", "js", call("@kubernetes/client-node", "KubeConfig().makeApiClient", dyn()), []string{"js.kubernetes.client="}},
		{"kubernetes api call", "js", call("@kubernetes/client-node", "KubeConfig().makeApiClient().listNamespacedPod", obj(nil)), []string{"js.kubernetes.client="}},
		{"kubeconfig default", "js", call("@kubernetes/client-node", "KubeConfig().loadFromDefault"), []string{"js.kubernetes.kubeconfig="}},
		{"kubeconfig file", "js", call("@kubernetes/client-node", "KubeConfig().loadFromFile", lit("/etc/k8s/admin.conf")), []string{"js.kubernetes.kubeconfig=/etc/k8s/admin.conf"}},
		{"kubeconfig getContexts not flagged", "js", call("@kubernetes/client-node", "KubeConfig().getContexts"), nil},
		{"githubv4 query", "go", call("github.com/shurcooL/githubv4", "Client().Query", dyn(), dyn(), dyn()), []string{"go.githubv4.api=api.github.com"}},
		{"githubv4 mutate", "go", call("github.com/shurcooL/githubv4", "NewClient().Mutate", dyn(), dyn(), dyn(), dyn()), []string{"go.githubv4.api=api.github.com"}},
		{"githubv4 constructor not flagged", "go", call("github.com/shurcooL/githubv4", "NewClient", dyn()), nil},
		{"githubv4 input type not flagged", "go", &facts.Call{Module: "github.com/shurcooL/githubv4", Member: "String", Args: []facts.Arg{dyn()}}, nil},
		{"graphql endpoint from client", "go", &facts.Call{Module: "github.com/shurcooL/graphql", Member: "NewClient().Query", Args: []facts.Arg{dyn(), dyn(), dyn()},
			Recv: &facts.Arg{Value: "https://api.linear.app/graphql", Known: true, Func: -1}}, []string{"go.graphql.client=api.linear.app"}},
		{"aws v3 send", "js", call("@aws-sdk/client-bedrock-agent-runtime", "BedrockAgentRuntimeClient().send", dyn()), []string{"js.aws.client="}},
		{"aws document client send", "js", call("@aws-sdk/lib-dynamodb", "DynamoDBDocumentClient.from().send", dyn()), []string{"js.aws.client="}},
		{"aws command constructor not flagged", "js", &facts.Call{Module: "@aws-sdk/client-s3", Member: "GetObjectCommand", New: true, Args: []facts.Arg{obj(nil)}}, nil},
		{"aws client constructor not flagged", "js", &facts.Call{Module: "@aws-sdk/client-s3", Member: "S3Client", New: true, Args: []facts.Arg{obj(nil)}}, nil},
		{"googleapis drive", "js", call("googleapis", "google.drive().files.list", obj(nil)), []string{"js.googleapis.api=*.googleapis.com"}},
		{"googleapis service constructor not flagged", "js", call("googleapis", "google.drive", lit("v3")), nil},
		{"googleapis response not flagged", "js", call("googleapis", "google.drive().files.list().data.files.map", dyn()), nil},
		{"local-auth", "js", call("@google-cloud/local-auth", "authenticate", obj(nil)), []string{"js.google-local-auth.browser=", "js.google-local-auth.listen="}},
		{"stagehand init", "js", call("@browserbasehq/stagehand", "Stagehand().init"), []string{"js.stagehand.browser="}},
		{"stagehand goto", "js", call("@browserbasehq/stagehand", "Stagehand().page.goto", lit("https://example.org/")), []string{"js.stagehand.browser=example.org"}},
		{"stagehand act", "js", call("@browserbasehq/stagehand", "Stagehand().act", dyn()), []string{"js.stagehand.browser="}},
		{"stagehand close not flagged", "js", call("@browserbasehq/stagehand", "Stagehand().close"), nil},
		{"browserbase sessions", "js", call("@browserbasehq/sdk", "().sessions.debug", dyn()), []string{"js.browserbase.api=api.browserbase.com"}},
		{"mysql pool query", "js", call("mysql2/promise", "createPool().query", dyn()), []string{"js.mysql.pool-query="}},
		{"mysql pool end not flagged", "js", call("mysql2/promise", "createPool().end"), nil},
		{"mysql pool creation", "js", call("mysql2", "createPool", obj(map[string]facts.Arg{"host": lit("db.internal")})), []string{"js.mysql.connect=db.internal"}},
		{"prometheus exporter listens", "js", &facts.Call{Module: "@opentelemetry/exporter-prometheus", Member: "PrometheusExporter", New: true,
			Args: []facts.Arg{obj(map[string]facts.Arg{"port": num("9100")})}}, []string{"js.otel.prometheus=9100"}},
		{"prometheus exporter default port", "js", &facts.Call{Module: "@opentelemetry/exporter-prometheus", Member: "PrometheusExporter", New: true}, []string{"js.otel.prometheus=9464"}},
		{"prometheus exporter deferred", "js", &facts.Call{Module: "@opentelemetry/exporter-prometheus", Member: "PrometheusExporter", New: true,
			Args: []facts.Arg{obj(map[string]facts.Arg{"port": dyn(), "preventServerStart": lit("true")})}}, nil},
		{"prometheus startServer", "js", call("@opentelemetry/exporter-prometheus", "PrometheusExporter().startServer"), []string{"js.otel.prometheus-start="}},
		{"otlp exporter", "js", &facts.Call{Module: "@opentelemetry/exporter-trace-otlp-http", Member: "OTLPTraceExporter", New: true,
			Args: []facts.Arg{obj(map[string]facts.Arg{"url": lit("https://otel.example.net/v1/traces")})}}, []string{"js.otel.otlp=otel.example.net"}},
		{"sentry init", "js", call("@sentry/node", "init", obj(map[string]facts.Arg{"dsn": lit("https://abc@o1.ingest.sentry.io/2")})), []string{"js.sentry.init=o1.ingest.sentry.io"}},
		{"jose remote jwks", "js", call("jose", "createRemoteJWKSet", lit("https://login.example.com/keys")), []string{"js.jose.remote-jwks=login.example.com"}},
		{"jose local verify not flagged", "js", call("jose", "jwtVerify", dyn(), dyn()), nil},
		{"PyJWKClient", "python", call("jwt", "PyJWKClient", lit("https://idp.example.com/.well-known/jwks.json")), []string{"python.jwt.remote-jwks=idp.example.com"}},
		{"jwt.decode not flagged", "python", call("jwt", "decode", dyn(), dyn()), nil},
		// --------------------------------------------------------- misses
		{"unknown module", "js", call("lodash", "map", dyn()), nil},
		{"unknown family", "rust", call("fs", "readFile", lit("x")), nil},
		{"access is not a call", "js", access("fs", "readFile", ""), nil},
		{"call is not an access", "python", call("os", "environ"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range s.Match(tt.family, tt.call) {
				got = append(got, m.Rule.ID+"="+m.Scope.Value)
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatchDetails(t *testing.T) {
	s := mustDefault(t)

	// Scope argument and taint of a keyword argument.
	c := call("requests", "get", kw("url", dyn()), kw("timeout", num("3")))
	ms := s.Match("python", c)
	if len(ms) != 1 {
		t.Fatalf("got %d matches", len(ms))
	}
	m := ms[0]
	if m.ScopeArg != &c.Args[0] || m.ScopeKind != "url" || m.Scope.State != scope.Dynamic {
		t.Errorf("ScopeArg/Kind/Scope = %p %q %q, want the url argument, url, \"\"", m.ScopeArg, m.ScopeKind, m.Scope)
	}
	if len(m.TaintArgs) != 1 || m.TaintArgs[0] != &c.Args[0] {
		t.Errorf("TaintArgs = %v, want the url argument", m.TaintArgs)
	}
	if m.TaintKey {
		t.Error("TaintKey set on a call")
	}

	// A fixed program: its arguments are the payload.
	c = call("child_process", "execFile", lit("git"), dyn(), dyn())
	m = s.Match("js", c)[0]
	if len(m.TaintArgs) != 1 || m.TaintArgs[0] != &c.Args[0] || len(m.PayloadArgs) != 2 || m.PayloadArgs[0] != &c.Args[1] {
		t.Errorf("execFile TaintArgs = %v, PayloadArgs = %v, want arg 0, args 1 and 2", m.TaintArgs, m.PayloadArgs)
	}

	// No scope: every argument's taint matters.
	c = call("globalThis", "eval", dyn())
	m = s.Match("js", c)[0]
	if len(m.TaintArgs) != 1 || m.TaintArgs[0] != &c.Args[0] || m.ScopeArg != nil {
		t.Errorf("eval TaintArgs = %v, ScopeArg = %v", m.TaintArgs, m.ScopeArg)
	}

	// Access: the key's taint.
	c = access("globalThis", "process.env", "")
	c.KeyRefs = []facts.ParamRef{{Fn: 1, Param: 0}}
	m = s.Match("js", c)[0]
	if !m.TaintKey || m.Scope.State != scope.Dynamic {
		t.Errorf("process.env[name]: TaintKey %v Scope %q", m.TaintKey, m.Scope)
	}

	// Key scope: ScopeArg is the property value.
	c = call("https", "get", obj(map[string]facts.Arg{"host": lit("h.example")}))
	m = s.Match("js", c)[0]
	if m.ScopeArg == nil || m.ScopeArg.Value != "h.example" || m.ScopeKind != "host" {
		t.Errorf("https.get({host}) ScopeArg %+v kind %q", m.ScopeArg, m.ScopeKind)
	}

	// Fixed scope.
	m = s.Match("go", call("github.com/google/go-github/v50/github", "Client().Repositories.Get"))[0]
	if m.Scope.Value != "api.github.com" || m.ScopeKind != "host" || m.ScopeArg != nil {
		t.Errorf("go-github fixed scope: %q %q %v", m.Scope, m.ScopeKind, m.ScopeArg)
	}

	// Nil safety.
	var nilSet *Set
	if nilSet.Match("js", c) != nil || s.Match("js", nil) != nil || nilSet.Rule("x") != nil || nilSet.Rules() != nil || nilSet.Words("js") != nil {
		t.Error("nil receiver or call gave results")
	}
}

// TestMatchRoles: which arguments choose the target of a call and which only
// its payload.
func TestMatchRoles(t *testing.T) {
	s := mustDefault(t)
	// args names arguments by position, elements of a list as "1.0".
	name := func(c *facts.Call, as []*facts.Arg) []string {
		var out []string
		for _, a := range as {
			for i := range c.Args {
				if a == &c.Args[i] {
					out = append(out, strconv.Itoa(i))
				}
				for j := range c.Args[i].Elems {
					if a == &c.Args[i].Elems[j] {
						out = append(out, fmt.Sprintf("%d.%d", i, j))
					}
				}
			}
			if a == c.Recv {
				out = append(out, "recv")
			}
		}
		return out
	}
	tests := []struct {
		name, family, rule string
		call               *facts.Call
		target, payload    string
	}{
		{"fixed program", "js", "js.child_process.execfile", call("child_process", "execFile", lit("git"), dyn()), "0", "1"},
		{"computed program", "js", "js.child_process.execfile", call("child_process", "execFile", dyn(), dyn()), "0", "1"},
		{"shell program", "js", "js.child_process.execfile", call("child_process", "execFile", lit("/bin/bash"), elems(lit("-c"), dyn())), "0 1", ""},
		{"argv list", "python", "python.subprocess.run", call("subprocess", "run", elems(lit("soffice"), lit("--convert"), dyn())), "0.0", "0"},
		{"argv list through a shell", "python", "python.subprocess.run", call("subprocess", "run", elems(lit("sh"), lit("-c"), dyn())), "0.0 0", ""},
		{"go exec fixed program", "go", "go.exec.command", call("os/exec", "Command", lit("git"), lit("log"), dyn()), "0", "1 2"},
		{"url path", "js", "js.global.fetch", call("globalThis", "fetch", pre("https://api.x.com/items/"), obj(map[string]facts.Arg{"body": dyn()})), "0", "1"},
		{"url query", "js", "js.global.fetch", call("globalThis", "fetch", pre("https://api.x.com/search?q=")), "", "0"},
		{"request keywords", "python", "python.requests.request", call("requests", "post", lit("https://api.x.com/"), kw("json", dyn())), "0", "1"},
		{"file content", "js", "js.fs.write", call("fs", "writeFile", dyn(), dyn()), "0", "1"},
		{"read has no payload", "js", "js.fs.read", call("fs", "readFile", dyn(), dyn()), "0", ""},
		{"instance from input", "go", "go.os.process", &facts.Call{Module: "os", Member: "FindProcess().Kill", Recv: &facts.Arg{Func: -1, Refs: []facts.ParamRef{{Fn: 1, Param: 0}}}}, "recv", ""},
		{"fixed host client", "go", "go.github.api", call("github.com/google/go-github/v79/github", "NewClient().Repositories.Get", dyn(), dyn(), dyn()), "0 1 2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Match
			for _, x := range s.Match(tt.family, tt.call) {
				if x.Rule.ID == tt.rule {
					m = &x
				}
			}
			if m == nil {
				t.Fatalf("%s does not match", tt.rule)
			}
			if got := strings.Join(name(tt.call, m.TaintArgs), " "); got != tt.target {
				t.Errorf("target = %q, want %q", got, tt.target)
			}
			if got := strings.Join(name(tt.call, m.PayloadArgs), " "); got != tt.payload {
				t.Errorf("payload = %q, want %q", got, tt.payload)
			}
		})
	}

	// payload: [] opts out; payload: [i] names them.
	dir := writeRules(t, map[string]string{"acme.yaml": `language: js
rules:
  - id: js.acme.upload
    capability: network.client
    modules: ["@acme/sdk"]
    calls: [Client().upload]
    scope: [{arg: 0, kind: url}]
    payload: []
    message: uploads a file to Acme
  - id: js.acme.send
    capability: network.client
    modules: ["@acme/sdk"]
    calls: [Client().send]
    scope: [{arg: 0, kind: url}]
    payload: [2]
    message: sends to Acme
`})
	us, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := call("@acme/sdk", "Client().upload", dyn(), dyn())
	if m := us.Match("js", c); len(m) != 1 || len(m[0].PayloadArgs) != 0 {
		t.Errorf("payload: [] = %v", m)
	}
	c = call("@acme/sdk", "Client().send", dyn(), dyn(), dyn())
	if m := us.Match("js", c); len(m) != 1 || len(m[0].PayloadArgs) != 1 || m[0].PayloadArgs[0] != &c.Args[2] {
		t.Errorf("payload: [2] = %v", m)
	}
}

func TestMatchNoAllocOnMiss(t *testing.T) {
	s := mustDefault(t)
	misses := []struct {
		family string
		c      *facts.Call
	}{
		{"js", call("lodash", "map", dyn())},
		{"js", call("axios", "isAxiosError", dyn())},
		{"js", call("fs", "promises.open().close")},
		{"python", call("os.path", "join", lit("a"))},
		{"python", call("pathlib", "Path().parent.name")},
		{"go", call("github.com/google/go-github/v62/github", "String", dyn())},
		{"go", call("github.com/go-resty/resty/v2", "New().R().SetHeader", dyn())},
	}
	for _, m := range misses {
		if got := s.Match(m.family, m.c); got != nil {
			t.Fatalf("%s.%s matched %v", m.c.Module, m.c.Member, got[0].Rule.ID)
		}
		if n := testing.AllocsPerRun(100, func() { s.Match(m.family, m.c) }); n != 0 {
			t.Errorf("Match(%s.%s) allocates %v times on a miss", m.c.Module, m.c.Member, n)
		}
	}
}

func TestWords(t *testing.T) {
	s := mustDefault(t)
	for fam, want := range map[string][]string{
		"js":     {"fs", "child_process", "fetch", "process", "Buffer", "eval", "axios", "modelcontextprotocol"},
		"python": {"os", "subprocess", "open", "eval", "requests", "pathlib", "fastmcp", "mcp"},
		"go":     {"os", "exec", "http", "google", "unsafe", "resty", "net"},
	} {
		w := s.Words(fam)
		for _, x := range want {
			if !w[x] {
				t.Errorf("Words(%s) lacks %q", fam, x)
			}
		}
		for x := range w {
			if strings.Contains(x, "*") || x == "" {
				t.Errorf("Words(%s) holds %q", fam, x)
			}
		}
		for _, x := range []string{"github", "com", "js", "promise"} {
			if w[x] && !(fam == "python" && x == "github") { // PyGithub's module is "github"
				t.Errorf("Words(%s) holds the unselective %q", fam, x)
			}
		}
	}
	// The guarantee: a text that names a rule's module the way an import
	// does (or, for globals, the global name) holds one of the words.
	for _, r := range s.Rules() {
		w := s.Words(r.Language)
		for _, mod := range r.Modules {
			texts := []string{mod}
			if mod == "globalThis" || mod == "builtins" {
				texts = append(r.Calls[:len(r.Calls):len(r.Calls)], r.Access...)
			}
			for _, text := range texts {
				found := false
				for _, tok := range tokens(strings.ReplaceAll(text, "*", " ")) {
					found = found || w[tok]
				}
				if !found {
					t.Errorf("rule %s: no word of %q in Words(%s)", r.ID, text, r.Language)
				}
			}
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	s := mustDefault(b)
	cases := []struct {
		name   string
		family string
		c      *facts.Call
	}{
		{"miss", "js", call("lodash", "map", dyn())},
		{"miss-wildcard-family", "python", call("pathlib", "Path().parent.name")},
		{"miss-glob", "go", call("github.com/google/go-github/v62/github", "String", dyn())},
		{"hit", "js", call("fs", "readFile", lit("/etc/passwd"))},
		{"hit-python-kw", "python", call("builtins", "open", lit("f"), kw("mode", lit("w")))},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Match(bc.family, bc.c)
			}
		})
	}
}

// TestMatchForms covers path forms the embedded rules use little: "*",
// Except across Python's module/member splits, Go globs with Access.
func TestMatchForms(t *testing.T) {
	dir := writeRules(t, map[string]string{"forms.yaml": `rules:
  - id: python.test.ospath
    language: python
    capability: file.read
    modules: [os.path]
    calls: ["*"]
    except: [join, splitext]
    message: m
  - id: go.test.glob-access
    language: go
    capability: system.env
    modules: [example.com/cfg/v*]
    access: [Env.*]
    message: m
  - id: js.test.module-only
    language: js
    capability: system.exec
    modules: [runner]
    calls: [""]
    message: m
`})
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		family string
		c      *facts.Call
		want   string
	}{
		{"python", call("os", "path.exists"), "python.test.ospath"},
		{"python", call("os.path", "isfile"), "python.test.ospath"},
		{"python", call("os", "path.join"), ""},
		{"python", call("os.path", "join"), ""},
		{"python", call("os.path.join", ""), ""},
		{"python", call("os", "path"), ""},
		{"go", access("example.com/cfg/v2", "Env.HOME", ""), "go.test.glob-access"},
		{"go", call("example.com/cfg/v2", "Env.HOME"), ""},
		{"go", access("example.com/cfg/v2/sub", "Env.HOME", ""), ""},
		{"js", call("runner", ""), "js.test.module-only"},
		{"js", call("runner", "x"), ""},
	}
	for _, tt := range tests {
		var ids []string
		for _, m := range s.Match(tt.family, tt.c) {
			if strings.Contains(m.Rule.ID, ".test.") {
				ids = append(ids, m.Rule.ID)
			}
		}
		if strings.Join(ids, " ") != tt.want {
			t.Errorf("%s %s.%s access=%v: got %v, want %q", tt.family, tt.c.Module, tt.c.Member, tt.c.Access, ids, tt.want)
		}
	}
}

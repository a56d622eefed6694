// Package facts defines what the language extractors produce for one file:
// imports, functions, resolved calls, tool registrations and suppression
// comments. Facts depend only on the file's text (they are cached by
// content hash); everything that spans files — the call graph, taint across
// calls, rule matching — happens later, in the index.
//
// # Symbols
//
// A call or property read whose callee is rooted in an import or a global is
// recorded with a canonical symbol: Module plus a dotted member path.
//
//	JS/TS   import { exec as run } from "node:child_process"; run(c)
//	        → Module "child_process", Member "exec"
//	        fs.promises.readFile / import fs from "fs/promises" → Module "fs", Member "promises.readFile"
//	        fetch(u), globalThis.fetch(u), window.fetch(u) → Module "globalThis", Member "fetch"
//	        const c = new pg.Client(o); c.query(q)  → Module "pg", Member "Client().query"
//	        import axios from "axios"; axios(cfg) → Module "axios", Member ""
//	Python  import os.path as osp; osp.exists(p) → Module "os.path", Member "exists"
//	        import os; os.path.exists(p)          → Module "os", Member "path.exists"
//	        (the rule index matches on Module+"."+Member, so both are "os.path.exists")
//	        open(p) → Module "builtins", Member "open"
//	        s = requests.Session(); s.get(u) → Module "requests", Member "Session().get"
//	Go      exec.Command(n) → Module "os/exec", Member "Command"
//	        c := &http.Client{}; c.Do(r) → Module "net/http", Member "Client().Do"
//
// "()" after a member marks "a value returned by calling (or constructing)
// that member": instances are followed through local variables, fields with
// declared types, `with ... as x`, and method chains.
//
// Module names are normalised by the extractor: JS drops "node:" and maps
// "X/promises" to Module X with "promises." in front of the member; Go uses the
// full import path; Python uses the dotted module name.
package facts

import "github.com/mcpriv/mcpriv/analysis/source"

// Version changes whenever the meaning of facts changes, so caches of old
// facts are dropped.
const Version = 15

// File is everything extracted from one source file.
type File struct {
	Path string      `json:"path"` // as given to the extractor (slash-separated, workspace-relative or absolute)
	Lang source.Lang `json:"lang"`
	// Package groups files whose unexported names see each other: for Go the
	// package clause plus directory ("dir:pkgname"); for Python and JS the file
	// itself (they link through Imports).
	Package string `json:"package"`
	// Hash is the content hash the facts were extracted from (hex SHA-256).
	Hash string `json:"hash"`
	// Build is a Go file's //go:build constraint, as written after the
	// directive (`doltlite`, `linux && cgo`); empty when it has none.
	Build string `json:"build,omitempty"`

	Imports      []Import      `json:"imports,omitempty"`
	Functions    []Function    `json:"functions,omitempty"`
	Calls        []Call        `json:"calls,omitempty"`
	Tools        []Tool        `json:"tools,omitempty"`
	Suppressions []Suppression `json:"suppressions,omitempty"`
	// Exports maps names other files can import to a function index (JS
	// `export function f`, `module.exports.f = f`, `exports.f = …`, Python and
	// Go top-level definitions). Default export under "default".
	Exports map[string]int `json:"exports,omitempty"`
	// Constants maps top-level names bound to literal strings (`const NAME =
	// "read_file"`, Python `NAME = "x"`, Go `const Name = "x"`), so tool names
	// and scopes held in constants in other files of the package resolve.
	// A Python module constant an environment variable overrides (API_URL =
	// os.getenv("API_URL", "https://…")) is under EnvConstKey + name, its
	// value "VARIABLE=default": tool names do not resolve through it.
	Constants map[string]string `json:"constants,omitempty"`
	// Types maps names of this file's package-level types and values to
	// what a value of that type (or that value) is, as a canonical symbol
	// "Module\x00Member". Python and JS files list their module-level
	// instances ("s3"), what their functions return ("get_client()"), their
	// classes' attributes ("Store.conn") and methods' results
	// ("Store.cursor()"), and "default" (JS); "type:<Class>\x00" is an
	// instance of a class of the same file. The link rewrites calls of
	// other files through imports of this one (link/objtypes.go). For Go:
	//   type GetClientFn func(context.Context) (*github.Client, error)
	//     → "GetClientFn()" : "github.com/google/go-github/v79/github\x00Client()"
	//       (what calling a value of the type returns)
	//   type Server struct { client *http.Client }
	//     → "Server.client" : "net/http\x00Client()"
	//   "T.method()" is what a method of T returns, "T.field()" what calling a
	//   func-typed field returns, "T.Embedded" an embedded field, "f()" what
	//   package function f returns, "v" what package-level variable v holds.
	// Calls on values whose type is a named type of another file of the
	// package are emitted with Module "type:<TypeName>" and Member the path
	// after it ("type:GetClientFn" + "().Users.Get"); the index rewrites them
	// with the Types of the package's files before applying the rules.
	Types map[string]string `json:"types,omitempty"`
	// Lists (JS) maps top-level constant arrays to their elements, so a
	// registration loop in another file over an imported array of tool
	// objects finds them (Tool.Table): `export const pdfTools = [generatePdf,
	// ...shared]`. An element written as an object literal is named
	// "<list>.<index>"; the string properties of every listed object are in
	// Constants and its function properties in Exports under "<object>.<prop>".
	Lists map[string][]ListElem `json:"lists,omitempty"`
	// Stores (Go) lists what this file stores where other files of the
	// package may read it, so a scope read from a struct field or a
	// package variable resolves to every value the package puts there.
	// Keys: "Type.field" (a field of a struct type of the package), "?.field"
	// (a field of a value whose type the file cannot tell: it may be any
	// Type.field), "Type.*" (the whole struct is filled by a library: a
	// decoder, a flag or env loader), "var:name" (a package-level variable
	// assigned in a function). Each value is an Arg: a literal (Known), an
	// environment or flag default (Known, Env), another constant, field or
	// variable (Const, with the text after it) or, with none of these, a
	// value that is not known, which leaves the scope open. At most
	// MaxStores values per key (beyond: one value that is not known).
	Stores map[string][]Arg `json:"stores,omitempty"`
	// ParseErrors are spans the parser could not parse (ERROR or MISSING
	// nodes), capped in number; facts from the rest of the file stand.
	ParseErrors []source.Span `json:"parseErrors,omitempty"`
	// TooDeep are subtrees nested deeper than the extractor follows (only
	// hostile input nests so far), capped in number: calls in them are not
	// in Calls, so the engine reports each as an error finding that fails
	// the gate rather than dropping them silently.
	TooDeep []source.Span `json:"tooDeep,omitempty"`
}

// MaxStores caps the values of one File.Stores key.
const MaxStores = 8

// MaxTooDeep caps File.TooDeep: one is enough to fail the gate.
const MaxTooDeep = 8

// NoteTooDeep records a subtree the extractor did not follow, once per
// start offset.
func (f *File) NoteTooDeep(s source.Span) {
	if len(f.TooDeep) >= MaxTooDeep {
		return
	}
	for _, t := range f.TooDeep {
		if t.Start.Offset == s.Start.Offset {
			return
		}
	}
	f.TooDeep = append(f.TooDeep, s)
}

// Import is one import or require of the file (libraries and project files
// alike), so the index can follow the module graph.
type Import struct {
	// Spec is the specifier as written ("./helpers.js", ".utils", "example.com/srv/internal/fsx").
	Spec string `json:"spec"`
	// Local is the name bound in this file ("" for side-effect imports),
	// Name the imported name ("*" for a namespace/module import, "default").
	Local string      `json:"local,omitempty"`
	Name  string      `json:"name,omitempty"`
	Span  source.Span `json:"span"`
}

// Function is a function, method, arrow function, lambda or closure.
// Index 0 of File.Functions is always the synthetic top level of the file
// (module body; for Go, package-level var initialisers and init()).
type Function struct {
	Name string `json:"name"` // "" for anonymous
	// Class is the receiver type or enclosing class for methods ("" otherwise).
	Class string `json:"class,omitempty"`
	// Parent is the index of the lexically enclosing function (-1 for the top level).
	Parent int         `json:"parent"`
	Span   source.Span `json:"span"`
	// NameSpan is the span of the name (or of the whole head for anonymous functions).
	NameSpan source.Span `json:"nameSpan"`
	// Params are the parameter names in order ("" for patterns such as
	// destructuring; the destructured names are in ParamFields).
	Params []string `json:"params,omitempty"`
	// ParamFields[i] lists, for a destructured parameter i, the property names
	// taken from it ({ path, mode: m } → ["path", "mode"]).
	ParamFields map[int][]string `json:"paramFields,omitempty"`
	// Calls made directly in this function's body to functions that may be
	// defined in this project (not resolved to a library symbol): the call
	// graph's edges before linking.
	LocalCalls []LocalCall `json:"localCalls,omitempty"`
	// Refs are functions referenced without being called here (passed as a
	// callback, stored in a table, returned): they may run on behalf of this
	// function, so the call graph treats them as calls with unknown arguments.
	Refs []Callee `json:"refs,omitempty"`
	// Returns lists the taint of the values this function returns.
	Returns []ParamRef `json:"returns,omitempty"`
}

// Callee names the target of a local call, to be resolved by the index.
//
// Calls through imports of other project files are NOT LocalCalls: they are
// Calls whose Module is the import specifier as written ("./helpers.js",
// ".utils", "example.com/srv/internal/fsx"); the index turns a Call whose
// Module resolves to a project file or package into a call-graph edge to
// that file's export Member ("" = default export / the module value).
type Callee struct {
	// Kind says how Name is looked up:
	//   "local"    a name in lexical scope of this file (function declaration,
	//              variable bound to a function); Func is its index in
	//              File.Functions when the extractor resolved it, else -1
	//   "method"   a method call recv.Name(...) on this/self/a receiver whose
	//              class or type is Class ("" when unknown: any method of that
	//              name in the file, or in the package for Go)
	//   "package"  Go: a package-level function of the same package, by Name
	// Module, for Go "package" and "method" callees, is the import path of
	// another package of the module the function is declared in (a tool
	// handler: tools.HandleRead, h.ops.HandleDelete); "" for this package.
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Class  string      `json:"class,omitempty"`
	Module string      `json:"module,omitempty"`
	Func   int         `json:"func"`
	Span   source.Span `json:"span"`
}

// LocalCall is a call to a function of the project.
type LocalCall struct {
	Callee Callee `json:"callee"`
	Args   []Arg  `json:"args,omitempty"`
	// Receiver is the taint of the receiver of a method call (recv.m()).
	Receiver []ParamRef `json:"receiver,omitempty"`
	// ReceiverPass (JS) is set when the receiver is Receiver[0]'s parameter,
	// or a property path into it, unchanged (client.m(), opts.client.m()),
	// not a value derived from it: a parameter typed by its callers' instances
	// makes the call a library call (link/paramtypes.go).
	ReceiverPass bool        `json:"receiverPass,omitempty"`
	Span         source.Span `json:"span"`
}

// Call is a call (or `new`, or a property read when Access is true) resolved
// to a library or global symbol. Extractors record every such call, whether
// or not a rule knows it: the rules decide later.
type Call struct {
	Module string `json:"module"`
	Member string `json:"member"`
	// Func is the index of the enclosing function in File.Functions.
	Func int `json:"func"`
	// Access marks a property read rather than a call (process.env.HOME,
	// os.environ["X"], os.Environ is still a call).
	Access bool `json:"access,omitempty"`
	// New marks a constructor call (`new X()`, Go composite literal).
	New bool `json:"new,omitempty"`
	// Span covers the whole call expression; CalleeSpan just the callee
	// (where diagnostics point: `fs.writeFile`).
	Span       source.Span `json:"span"`
	CalleeSpan source.Span `json:"calleeSpan"`
	Args       []Arg       `json:"args,omitempty"`
	// Spread is true when an argument list contains a spread (...xs) or
	// Python *args/**kwargs, so argument indices after it are uncertain.
	Spread bool `json:"spread,omitempty"`
	// Recv describes the instance a method is called on, for calls whose
	// Member goes through an instance ("Path().write_text", "Client().query"):
	// Refs is the taint of the receiver expression (Path(root) / name is
	// tainted by name); Value/Known/Prefix the instance's literal path or URL
	// when the extractor knows it (Path("/etc") / "hosts" → "/etc/hosts");
	// Props the properties of the options object it was constructed with
	// (new pg.Client({ host: "db" }) → Props["host"]). nil otherwise.
	// Rules address it as argument -2.
	Recv *Arg `json:"recv,omitempty"`
	// Key is the literal key of an Access with a subscript or further member
	// (process.env.HOME → "HOME", os.environ["X"] → "X"). The split is the
	// same in every language: when the read goes through a property path, the
	// last step is the Key and the rest the Member (process.env.HOME →
	// Member "process.env", Key "HOME"); a bare read has Key "" (process.env
	// passed on whole → Member "process.env", Key "").
	Key string `json:"key,omitempty"`
	// KeyRefs is the taint of a computed key (process.env[name]).
	KeyRefs []ParamRef `json:"keyRefs,omitempty"`
	// Store marks an Access that assigns the property rather than reads
	// it, the value assigned being Args[0]: an option set on a library
	// instance after it was constructed (client.base_url = "https://x" →
	// Module "openai", Member "OpenAI()", Key "base_url"), which the link
	// weighs against the library's default for that option.
	Store bool `json:"store,omitempty"`
}

// Arg is one argument of a call. It holds no position: nothing reports
// one, and without positions the argument lists of code an edit does not
// reach are shared between versions of a file instead of shifted.
type Arg struct {
	// Name is the keyword of a Python keyword argument (timeout=3 → "timeout").
	Name string `json:"name,omitempty"`
	// Value is the argument's string value when the extractor knows it:
	// a string literal, a constant, a concatenation or template of known parts.
	// If only a leading part is known (`https://api.x.com/v1/${id}`), Value is
	// that part and Prefix is true.
	// Boolean literals are Known values "true"/"false" in JS and Go and
	// "True"/"False" in Python (None is "None"), as the source spells them.
	Value  string `json:"value,omitempty"`
	Known  bool   `json:"known,omitempty"` // Value is meaningful (it may be "")
	Prefix bool   `json:"prefix,omitempty"`
	// Env, when set, names the environment variable the value comes from:
	// Value is (starts with) the literal default the code gives when the
	// variable is unset (os.environ.get("API_URL", "https://x"),
	// process.env.API_URL ?? "https://x", cmp.Or(os.Getenv("API_URL"), …)).
	// Known is then true; an env read without a default has no Value. A
	// command-line flag's default has Env "-" + the flag's name
	// (flag.String("url", "https://x", …) → "-url").
	Env string `json:"env,omitempty"`
	// Const, when set, says the value starts with a constant of another
	// file: an imported name (`${API_BASE}/v1` after `import { API_BASE }
	// from "./config.js"`), which the link looks up in that file's
	// Constants. Value is then the literal text written after it (Prefix:
	// not all of it is known) and Known is false; a constant the link does
	// not find leaves the value unknown. With Env, the constant is the
	// default of that environment variable (process.env.API_URL ??
	// DEFAULT_URL).
	Const *ConstRef `json:"const,omitempty"`
	// Default is the literal a value falls back to when another value,
	// neither literal nor an environment variable, is unset (opts.baseUrl
	// ?? "https://api.x.com", this.baseUrl set so in a constructor and read
	// in `${this.baseUrl}/v1`); DefaultPrefix: only its leading part is
	// known. Known is then false: the other value may reach the call too,
	// so the link grants the default's scope beside "*", never alone.
	Default       string `json:"default,omitempty"`
	DefaultPrefix bool   `json:"defaultPrefix,omitempty"`
	// Number holds a numeric literal's text (ports: listen(3000)), or an
	// open flag expression as canonical symbols joined by "|"
	// (os.O_WRONLY|os.O_CREATE; see OpenFlag).
	Number string `json:"number,omitempty"`
	// Props are the properties of an object literal argument, one level deep
	// ({ host: "db", port: 5432 } → Props["host"], Props["port"]); Go composite
	// literal fields and Python dict literals likewise.
	// A key OpenProps says the object holds more than the listed keys,
	// which the extractor could not see: a spread of a value whose
	// properties are not known ({ ...opts }), a computed key, **kwargs, or
	// construction options that are not an object literal (Call.Recv).
	Props map[string]Arg `json:"props,omitempty"`
	// Refs says which parameters of the enclosing function (and which paths
	// into them) the argument's value derives from. Empty when it depends on
	// none.
	Refs []ParamRef `json:"refs,omitempty"`
	// Pass is set when the argument is a parameter of the enclosing function
	// (or a path into one: opts.url) passed on unchanged: its value is
	// Refs[0]'s at each call of that function, so the link follows the
	// literals the callers pass (constant propagation for scopes). Refs
	// then has exactly one element and Known is false.
	Pass bool `json:"pass,omitempty"`
	// Lead is set when the value starts with Refs[0]'s, a parameter (or a
	// path into one) unchanged, followed by the literal text in Value
	// (Prefix: not all of it is known): `${this.baseUrl}/v1` with baseUrl
	// set from a constructor's parameter. The link follows the literals
	// the callers pass, as for Pass, and puts Value after each. Known and
	// Pass are then false, Const and Default empty.
	Lead bool `json:"lead,omitempty"`
	// Tail, when set, is the parameter (one of Refs) whose value comes
	// right where the known text stops (`${base}${path}`, base + path):
	// when every value its callers pass starts with "/", "?" or "#", the
	// known text is a whole origin, so the link can name the host of a
	// prefix such as "https://api.x.com" (constprop.go).
	Tail *ParamRef `json:"tail,omitempty"`
	// Elems are the elements of an array/list/slice literal argument
	// (["git", "status"]), at most 16.
	Elems []Arg `json:"elems,omitempty"`
	// Func is set when the argument is a function (arrow, lambda, function
	// expression, or a name resolved to one): its index in File.Functions, else -1.
	Func int `json:"func"`
	// Inst (JS, top-level arguments only) is the instance the argument
	// holds, as "Module\x00Member" like a Types value: a library client
	// (`search(esClient, q)` with esClient = new Client() → Module
	// "@elastic/elasticsearch", Member "Client()"), or an export of another
	// project file (Module relative). The link types the callee's parameter
	// with it, so the methods called on the parameter are library calls.
	Inst string `json:"inst,omitempty"`
}

// BodyProp is the Props key of the body of a request passed whole (Go
// client.Do(req) with req from http.NewRequest): its taint is the call's
// payload, the argument's own Refs (method and URL) its target.
const BodyProp = "*body"

// SQLDriverProp is the Recv.Props key of the literal driver name a Go
// database/sql (or sqlx) instance was opened with: sql.Open("sqlite3", dsn)
// gives db.Query(…) Recv.Props["*driver"] = "sqlite3". No field or key
// of the analysed code can spell it, so a struct literal's own "driver"
// field cannot pose as the database's driver.
const SQLDriverProp = "*driver"

// OpenProps is the Props key saying an object's properties are not all
// known (see Arg.Props). No identifier or keyword argument can spell it.
const OpenProps = "**"

// EnvConstKey prefixes the Constants key of a constant bound to an
// environment variable with a literal default.
const EnvConstKey = "env:"

// ConstRef names a constant of another file: Module is the import
// specifier as written ("./config.js"), Name the key in that file's
// Constants ("API_BASE", "config.apiUrl"). In Go, Module is "." for the
// package of the file (or a package's import path) and Name a
// package-level constant or variable ("defaultBaseURL") or, after
// "field:", a struct field ("field:Client.baseURL") whose values are the
// package's File.Stores.
type ConstRef struct {
	Module string `json:"module"`
	Name   string `json:"name"`
}

// ParamRef says "derived from parameter Param of function Fn, at access path
// Path" (args.path → Param 0, Path ["path"]; request.params.arguments.url →
// Path ["params","arguments","url"]). Fn is the index in File.Functions of the
// function that declares the parameter: usually the function holding the
// call, but a closure that uses its parent's parameter refers to the parent
// (`async ({ cmd }) => new Promise(r => exec(cmd, r))`: exec's argument is
// {Fn: handler, Param: 0, Path: ["cmd"]}). Path is at most 4 long; a value
// derived from a whole parameter has an empty Path. Param -1 means the
// receiver (this/self/Go receiver).
type ParamRef struct {
	Fn    int      `json:"fn"`
	Param int      `json:"param"`
	Path  []string `json:"path,omitempty"`
}

// Tool is an MCP tool registration.
type Tool struct {
	// Name is the tool name when literal or resolved from a constant in this
	// file; else NameRef is the identifier holding it (resolved by the index
	// through File.Constants of the package) and Name is "".
	Name    string `json:"name"`
	NameRef string `json:"nameRef,omitempty"`
	// NameExpr is the name expression as written when it is neither a
	// string nor a reference the index may resolve (a parameter, a field of
	// a loop variable): the link reports the tool as unresolved with it.
	NameExpr string `json:"nameExpr,omitempty"`
	// ViaModule, when set, is the module (Python, dotted, not relative) a
	// name used to register this tool was imported from: the project's own
	// `@tool` decorator, a server object made in another file. The
	// registration counts only when the index finds that module among the
	// project's files; a library's `tool` (an agent framework's) is none.
	ViaModule string      `json:"viaModule,omitempty"`
	NameSpan  source.Span `json:"nameSpan"`
	// Span covers the registration call or decorator.
	Span source.Span `json:"span"`
	// SDK is one of SDKs (sdk.go).
	SDK string `json:"sdk"`
	// Handler is the function that runs for this tool: an index into
	// File.Functions, or -1 with HandlerRef naming it for the index to resolve.
	Handler    int     `json:"handler"`
	HandlerRef *Callee `json:"handlerRef,omitempty"`
	// Dispatcher is set for low-level servers that dispatch on the tool name
	// (`switch (request.params.name) { case "read_file": … }`, Python
	// `if name == "read_file":`): each case body is a synthetic Function
	// (Name "case <tool>", Parent the dispatcher, the dispatcher's Params) that
	// is this tool's Handler, and Dispatcher is the index of the dispatching
	// function, whose code outside the cases runs for every tool it serves.
	// -1 when there is none.
	Dispatcher int `json:"dispatcher"`
	// Table is set for a registration of every element of a tool array
	// (see ToolTable): Name is then "" and NameExpr the name expression,
	// reported as unresolved when the link finds no element.
	Table *ToolTable `json:"table,omitempty"`
	// Binds (Go), for a handler that is a factory's result, are the
	// instances of types of other packages of the module passed to the
	// factory, by argument, as "Module\x00Member" ("" for other arguments):
	// tools.CreateToolHandler(azaks.NewOpsExecutor(), cfg) → [that
	// package's import path + "\x00NewOpsExecutor()", ""]. The factory's
	// method calls on such a parameter (e.Execute in its closure) run that
	// package's methods of the name, for this tool alone.
	Binds []string `json:"binds,omitempty"`
	// Inputs say which handler parameters carry tool input (the values the
	// model chooses) and how a ParamRef path maps to an input field.
	Inputs []ToolInput `json:"inputs,omitempty"`
	// Annotations are the MCP tool annotations given literally
	// (readOnlyHint, destructiveHint, idempotentHint, openWorldHint).
	Annotations map[string]bool `json:"annotations,omitempty"`
	// AnnotationSpans locate each annotation's value, for diagnostics.
	AnnotationSpans map[string]source.Span `json:"annotationSpans,omitempty"`
}

// ToolInput describes a handler parameter that carries tool input.
// A ParamRef{Param, Path} is tool input when Param == Index and Path starts
// with Prefix; the input field is then Name if set, else Path[len(Prefix)]
// if present, else "arguments" (the whole input).
type ToolInput struct {
	Index  int      `json:"index"`
	Prefix []string `json:"prefix,omitempty"`
	Name   string   `json:"name,omitempty"`
}

// MaxListElems caps the elements of one File.Lists array (the extractor
// records none of a longer literal).
const MaxListElems = 512

// maxTableArg bounds ToolTable.InputArg: no handler call passes the input
// further right.
const maxTableArg = 16

// ListElem is one element of a File.Lists array: the value Name of this
// file (Module "") or the export Name of the project file Module (an import
// specifier as written). Spread is set for `...name`: the elements of that
// list, not one value.
type ListElem struct {
	Module string `json:"module,omitempty"`
	Name   string `json:"name"`
	Spread bool   `json:"spread,omitempty"`
}

// ToolTable (JS) says a tool registration runs once per element of an
// array another project file exports (or of a File.Lists array of this
// file, Module ""): `for (const tool of tools) server.tool(tool.name, …,
// tool.handler)`; or, when Name is "", once per tool object the callers of
// function Fn pass as its parameter Param (`function register(server, tool)
// { server.tool(tool.name, …) }`, `register(server, readTool)`). Each element is a tool named by its NameProp property; its
// handler is its HandlerProp function property, or, when HandlerProp is "",
// the registration's own Handler. InputArg is the argument of the
// HandlerProp call through which the registration's handler passes the tool
// input on (`async (args) => tool.handler(key, args)`: 1), -1 when the
// element's function is the handler itself.
//
// Keyed tables are objects whose keys are the tool names and whose values
// their handlers, exported by the project file Module under Name and
// called by a dispatcher with the tool name (`toolHandlers[name](client,
// args)`): each function property is a tool of that name (NameProp is then
// "", and the Tool's Inputs are its handler's).
type ToolTable struct {
	Module      string `json:"module,omitempty"`
	Name        string `json:"name"`
	NameProp    string `json:"nameProp"`
	HandlerProp string `json:"handlerProp,omitempty"`
	InputArg    int    `json:"inputArg"`
	Fn          int    `json:"fn"`
	Param       int    `json:"param"`
	// HandlerParam is 1 + the index of Fn's parameter holding the
	// handler, 0 when the registration's own handler runs. It goes with
	// NameProp "": the parameter is the name itself (Go: func addTool(s, name
	// string, h server.ToolHandlerFunc) { s.AddTool(mcp.NewTool(name), h) }
	// is one tool per call, named by its literal and run by its function.
	HandlerParam int  `json:"handlerParam,omitempty"`
	Keyed        bool `json:"keyed,omitempty"`
}

// Suppression is an `mcpriv-ignore: cap[, cap…] -- reason` comment.
type Suppression struct {
	// Line is the 0-based line the comment is on. It suppresses findings on
	// that line and, when the comment is alone on its line (OwnLine: blanks
	// before and after it), on the line after its end (suppress.Covers).
	Line         int         `json:"line"`
	OwnLine      bool        `json:"ownLine"`
	Capabilities []string    `json:"capabilities"` // as written (validated later)
	Reason       string      `json:"reason"`
	Span         source.Span `json:"span"`
}

package facts

// The values of Tool.SDK: which SDK's registration form declared a tool.
// They are part of the JSON contract (docs/json-output.md, the "sdk" enum of
// docs/schema/scan.schema.json); cmd/mcpriv's TestJSONContractEnumerations
// fails when a constant here is missing there, or an extractor sets Tool.SDK
// from anything but these constants.
const (
	SDKTypeScript         = "ts-sdk"          // McpServer.tool / registerTool
	SDKTypeScriptLowLevel = "ts-sdk-lowlevel" // Server.setRequestHandler(CallToolRequestSchema)
	SDKFastMCPTypeScript  = "fastmcp-ts"      // FastMCP (punkpeye/fastmcp) addTool
	SDKPython             = "python-sdk"      // mcp.server.fastmcp.FastMCP
	SDKFastMCP            = "fastmcp"         // the standalone fastmcp package
	SDKPythonLowLevel     = "python-lowlevel" // mcp.server.lowlevel.Server call_tool
	SDKGo                 = "go-sdk"          // modelcontextprotocol/go-sdk mcp.AddTool
	SDKMCPGo              = "mcp-go"          // mark3labs/mcp-go
	SDKMCPGolang          = "mcp-golang"      // metoro-io/mcp-golang RegisterTool
)

// SDKs lists every SDK value, in the order the docs give them.
var SDKs = []string{SDKTypeScript, SDKTypeScriptLowLevel, SDKFastMCPTypeScript, SDKPython, SDKFastMCP,
	SDKPythonLowLevel, SDKGo, SDKMCPGo, SDKMCPGolang}

package jsts

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// TestToolLists: a file of tool objects records its arrays (File.Lists)
// and its objects' handlers (Exports "obj.prop"); a registration looping
// over another file's array, or named by a parameter's property, records
// where its tools come from (Tool.Table). Look-alikes: a loop over a
// literal array of this file stays an in-file table, a library's array and
// a registration named by the loop item itself record none.
func TestToolLists(t *testing.T) {
	lists := extractSrc(t, "tools.js", []byte(`import { shared } from "./shared.js";
import * as extra from "./extra.js";
export const readTool = { name: "read_file", handler: async (key, args) => args };
const plain = [1, 2];
export const fileTools = [readTool, { name: "stat", handler: (k, a) => a }];
export const all = [...fileTools, ...shared, extra.more];
`))
	wantLists := map[string][]facts.ListElem{
		"fileTools": {{Name: "readTool"}, {Name: "fileTools.1"}},
		"all":       {{Name: "fileTools", Spread: true}, {Module: "./shared.js", Name: "shared", Spread: true}, {Module: "./extra.js", Name: "more"}},
	}
	if !reflect.DeepEqual(lists.Lists, wantLists) {
		t.Errorf("lists %v, want %v", lists.Lists, wantLists)
	}
	// A CommonJS build: exports.x = …, requires of other files; an array
	// with an element computed at run time is no list.
	cjs := extractSrc(t, "cjs.js", []byte(`"use strict";
exports.tools = exports.readTool = void 0;
const shared_1 = require("./shared");
exports.readTool = { name: "read_file", handler: async (key, args) => args };
exports.tools = [exports.readTool, ...shared_1.sharedTools];
exports.dynamic = [exports.readTool, makeTool()];
`))
	if want := map[string][]facts.ListElem{"tools": {{Name: "readTool"}, {Module: "./shared", Name: "sharedTools", Spread: true}}}; !reflect.DeepEqual(cjs.Lists, want) {
		t.Errorf("CommonJS lists %v, want %v", cjs.Lists, want)
	}
	if j, ok := cjs.Exports["readTool.handler"]; !ok || j <= 0 || cjs.Constants["readTool.name"] != "read_file" {
		t.Errorf("CommonJS tool object: export %d (%v), constants %v", j, ok, cjs.Constants)
	}
	if _, ok := lists.Lists["plain"]; ok {
		t.Errorf("an array of numbers is a list: %v", lists.Lists["plain"])
	}
	for _, k := range []string{"readTool.handler", "fileTools.1.handler"} {
		if j, ok := lists.Exports[k]; !ok || j <= 0 {
			t.Errorf("export %s = %d (found %v), want the handler function", k, j, ok)
		}
	}
	if lists.Constants["fileTools.1.name"] != "stat" || lists.Constants["readTool.name"] != "read_file" {
		t.Errorf("constants %v: want the tool objects' names", lists.Constants)
	}

	// A project factory's literal definition is the tool object; a call
	// whose object names nothing runnable, or a library's, is not.
	made := extractSrc(t, "made.js", []byte(`import { defineTool } from "./factory.js";
import * as tools from "./tools/index.js";
import { z } from "zod";
export const readT = defineTool({ name: "read_it", handler: async (a) => a });
export const cfg = defineTool({ name: "cfg", level: 2 });
export const schema = z.object({ name: "x", parse: (a) => a });
export const all = [...Object.values(tools), defineTool({ name: "inline", handler: (a) => a })];
`))
	if made.Constants["readT.name"] != "read_it" || made.Constants["all.1.name"] != "inline" {
		t.Errorf("constants %v: want the factory definitions' names", made.Constants)
	}
	for _, k := range []string{"cfg.name", "schema.name"} {
		if v, ok := made.Constants[k]; ok {
			t.Errorf("constant %s = %q: no tool definition", k, v)
		}
	}
	if _, ok := made.Exports["schema.parse"]; ok {
		t.Errorf("a library call's argument is recorded as an object: %v", made.Exports)
	}
	if want := []facts.ListElem{{Module: "./tools/index.js", Name: "*", Spread: true}, {Name: "all.1"}}; !reflect.DeepEqual(made.Lists["all"], want) {
		t.Errorf("list all = %v, want %v", made.Lists["all"], want)
	}

	reg := extractSrc(t, "server.js", []byte(`import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { all } from "./tools.js";
import { presets } from "preset-lib";
const server = new McpServer({ name: "x", version: "1" });
for (const tool of all) {
  server.tool(tool.name, "d", {}, async (args) => tool.handler("k", args));
}
all.forEach((t) => server.registerTool(t.name, {}, t.handler));
for (const p of presets) server.tool(p.name, "d", {}, p.run);
for (const t of [{ name: "local", run: () => 1 }]) server.tool(t.name, "d", {}, t.run);
for (const name of all) server.tool(name, "d", {}, () => 1);
function register(def) { server.tool(def.name, "d", {}, async (a) => def.execute(a, 1)); }
`))
	tables := map[string]*facts.ToolTable{}
	names := map[string]bool{}
	for _, tl := range reg.Tools {
		key := tl.Name + tl.NameExpr + tl.NameRef
		names[key] = true
		if tl.Table != nil {
			tables[key] = tl.Table
		}
	}
	wantTables := map[string]*facts.ToolTable{
		"tool.name": {Module: "./tools.js", Name: "all", NameProp: "name", HandlerProp: "handler", InputArg: 1},
		"t.name":    {Module: "./tools.js", Name: "all", NameProp: "name", HandlerProp: "handler", InputArg: -1},
		"def.name":  {NameProp: "name", HandlerProp: "execute", InputArg: 0, Fn: fnNamed(reg, "register"), Param: 0},
	}
	if !reflect.DeepEqual(tables, wantTables) {
		t.Errorf("tool tables:\n got %s\nwant %s", dumpTables(tables), dumpTables(wantTables))
	}
	if !names["local"] {
		t.Errorf("the in-file table's tool is not named: %v", names)
	}
}

func fnNamed(f *facts.File, name string) int {
	for i, fn := range f.Functions {
		if fn.Name == name {
			return i
		}
	}
	return -1
}

func dumpTables(m map[string]*facts.ToolTable) string {
	s := ""
	for k, v := range m {
		s += fmt.Sprintf("%s=%+v ", k, *v)
	}
	return s
}

package corpus

import (
	"reflect"
	"testing"
)

func TestOwnRegions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		src    string
		bundle bool
		own    []Region
	}{
		{"plain source", "import os\n// src/notes.ts\nos.getenv('A')\n", false, nil},
		{"esbuild with only own modules", "// src/a.ts\nx()\n// src/b.ts\ny()\n", false, nil},
		{"esbuild", "#!/usr/bin/env node\n// node_modules/ajv/dist/x.js\nlib()\n\n// src/tools/a.ts\nown()\n// ../../node_modules/.pnpm/zod/index.js\nz()\n// src/index.ts\nmain()\n",
			true, []Region{{6, 6}, {10, 10}}},
		{"rolldown", "//#region \\0rolldown/runtime.js\nrt()\n//#endregion\n//#region ../../node_modules/zod/v3/util.js\nz()\n//#endregion\n//#region src/server.ts\nown()\nmore()\n//#endregion\nafter()\n//#region src/tail.ts\nlast()\n",
			true, []Region{{8, 9}, {13, 13}}},
		{"CRLF", "// node_modules/a/b.js\r\nlib()\r\n// src/c.ts\r\nown()\r\n", true, []Region{{4, 4}}},
		{"comment that is not a module path", "// node_modules are skipped\nx()\n", false, nil},
	} {
		own, bundle := OwnRegions([]byte(tc.src))
		if bundle != tc.bundle || !reflect.DeepEqual(own, tc.own) {
			t.Errorf("%s: OwnRegions = %v, %v; want %v, %v", tc.name, own, bundle, tc.own, tc.bundle)
		}
	}
	if !inRegions([]Region{{3, 5}}, 5) || inRegions([]Region{{3, 5}}, 6) || inRegions(nil, 1) {
		t.Error("inRegions")
	}
}

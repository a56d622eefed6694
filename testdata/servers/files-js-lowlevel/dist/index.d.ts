#!/usr/bin/env node
export declare function resolveInWorkspace(requested: string): string;

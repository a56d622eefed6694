package main

import "os"

func readIt(p string) ([]byte, error) { return os.ReadFile(p) }

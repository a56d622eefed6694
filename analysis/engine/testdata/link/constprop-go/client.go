package main

import (
	"io"
	"net/http"
	"os"
)

// get is called by three tools: two literals and a URL the model chooses.
func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// postTo composes its parameter: the scope stays unknown.
func postTo(base string) error {
	_, err := http.Post(base+"/events", "application/json", nil)
	return err
}

func readFile(path string) ([]byte, error) {
	return os.ReadFile(path)
}

// A tiny program of ours for the scope benchmark's end-to-end test.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
)

func items() (string, error) {
	resp, err := http.Get("https://api.example.org/v1/items")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func containers() ([]byte, error) {
	return exec.Command("docker", "ps").Output()
}

func state() ([]byte, error) {
	return os.ReadFile("/var/lib/tiny/state.json")
}

func main() {
	fmt.Println(items())
	fmt.Println(containers())
	fmt.Println(state())
}

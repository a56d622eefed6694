package main

import (
	"net/http"
	"os/exec"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// Package-level singletons and factories used by the tools in main.go.
var httpClient = &http.Client{}

var worker = exec.Command("worker", "--serve")

func newClientset(kubeconfig string) (*kubernetes.Clientset, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

// Jobs is a look-alike: a Kill method on something that is not a process.
type Jobs struct{ n int }

func (j *Jobs) Kill() { j.n = 0 }

var jobs = &Jobs{}

// Package raw fetches raw file contents.
package raw

import (
	"context"
	"net/http"
)

// GetRawClientFn returns the raw-content client for a request.
type GetRawClientFn func(context.Context) (*Client, error)

// Client downloads raw contents over HTTP.
type Client struct {
	HTTP *http.Client
	Base string
}

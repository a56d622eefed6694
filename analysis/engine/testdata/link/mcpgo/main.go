package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const toolForecast = "forecast"

type weather struct {
	client *http.Client
	key    string
}

func main() {
	w := &weather{client: &http.Client{}, key: os.Getenv("WEATHER_KEY")}
	s := server.NewMCPServer("weather", "1.0.0")
	tool := mcp.NewTool(toolForecast,
		mcp.WithDescription("Forecast for a city"),
		mcp.WithString("city", mcp.Required()),
		mcp.WithReadOnlyHintAnnotation(true),
	)
	s.AddTool(tool, w.forecast)
	sse := server.NewSSEServer(s)
	if err := sse.Start(":8080"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

func (w *weather) forecast(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	city, err := request.RequireString("city")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.weather.example/v1/forecast?city="+city, nil)
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return mcp.NewToolResultText(string(body)), nil
}

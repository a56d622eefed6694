// Command weather-mcpgo serves weather forecasts and alerts over MCP's SSE
// transport, using mark3labs/mcp-go.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const forecastAPI = "https://api.openweathermap.org/data/2.5/forecast"

var httpClient = &http.Client{Timeout: 10 * time.Second}

func main() {
	s := server.NewMCPServer("weather", "1.2.0", server.WithToolCapabilities(false), server.WithRecovery())

	forecast := mcp.NewTool("get_forecast",
		mcp.WithDescription("Five-day forecast for a city"),
		mcp.WithString("city", mcp.Required(), mcp.Description("City name, e.g. Berlin")),
		mcp.WithString("units", mcp.Description("metric or imperial"), mcp.Enum("metric", "imperial")),
		mcp.WithReadOnlyHintAnnotation(true),
	)
	s.AddTool(forecast, handleForecast)

	alerts := mcp.NewTool("get_alerts",
		mcp.WithDescription("Active weather alerts for a US state"),
		mcp.WithString("state", mcp.Required(), mcp.Description("Two-letter state code")),
	)
	s.AddTool(alerts, handleAlerts)

	sse := server.NewSSEServer(s, server.WithBaseURL("http://localhost:8080"))
	log.Printf("weather MCP server listening on :8080")
	if err := sse.Start(":8080"); err != nil {
		log.Fatal(err)
	}
}

func handleForecast(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	city, err := request.RequireString("city")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	units := request.GetString("units", "metric")
	apiKey := os.Getenv("OPENWEATHER_API_KEY")
	if apiKey == "" {
		return mcp.NewToolResultError("OPENWEATHER_API_KEY is not set"), nil
	}
	q := url.Values{"q": {city}, "units": {units}, "appid": {apiKey}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, forecastAPI+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	body, err := doJSON(req)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	return mcp.NewToolResultText(body), nil
}

func handleAlerts(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	state, err := request.RequireString("state")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.weather.gov/alerts/active?area="+url.QueryEscape(state), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "weather-mcpgo/1.2 (ops@example.org)")
	body, err := doJSON(req)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	return mcp.NewToolResultText(body), nil
}

// doJSON sends req with the shared client and returns the indented JSON body.
func doJSON(req *http.Request) (string, error) {
	resp, err := httpClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", req.URL.Host, resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out), nil
}

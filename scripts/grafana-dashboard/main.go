// grafana-dashboard reads dashboards in Grafana's JSON model (a JSON array on stdin) and decodes
// each one strictly with the Grafana Foundation SDK's generated types, panel options and
// queries included (the SDK's default plugins: timeseries, logs, Prometheus, Loki). It prints a
// JSON array of {title, errors}: an unknown or missing field, or a value of the wrong type, is an
// error. tenantctl's tests check the dashboards it renders with it.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

type result struct {
	Title  string   `json:"title"`
	Errors []string `json:"errors"`
}

func main() {
	plugins.RegisterDefaultPlugins()
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var dashboards []json.RawMessage
	if err := json.Unmarshal(raw, &dashboards); err != nil {
		fmt.Fprintln(os.Stderr, "stdin is not a JSON array of dashboards:", err)
		os.Exit(2)
	}
	out := []result{}
	for _, d := range dashboards {
		var model dashboard.Dashboard
		r := result{Errors: []string{}}
		if err := model.UnmarshalJSONStrict(d); err != nil && err.Error() != "" {
			r.Errors = append(r.Errors, err.Error())
		}
		if model.Title != nil {
			r.Title = *model.Title
		}
		if err := model.Validate(); err != nil && err.Error() != "" {
			r.Errors = append(r.Errors, err.Error())
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

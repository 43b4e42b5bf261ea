// appset-template renders ApplicationSet go templates the way Argo CD's ApplicationSet
// controller does for its git directory generator: text/template with Sprig's functions
// (minus env, expandenv and getHostByName, which Argo CD removes), missingkey=error, and the
// parameters {path: {path, basename, basenameNormalized, filename?, segments}}.
// The generator selects a directory when path.Match(pattern, directory) holds, as Argo CD's
// git directory generator does.
// Input (stdin): {"pattern": "a/*", "template": "...", "paths": ["a/b", ...]}.
// Output: one {"matched": bool, "value": "..."} or {"matched": bool, "error": "..."} per path.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

type request struct {
	Pattern  string   `json:"pattern"`
	Template string   `json:"template"`
	Paths    []string `json:"paths"`
}

var unsafe = regexp.MustCompile(`[^a-zA-Z0-9-]`)

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	delete(funcs, "getHostByName")
	out := []map[string]interface{}{}
	tmpl, err := template.New("").Option("missingkey=error").Funcs(funcs).Parse(req.Template)
	for _, p := range req.Paths {
		matched, _ := path.Match(req.Pattern, p)
		if err != nil {
			out = append(out, map[string]interface{}{"matched": matched, "error": err.Error()})
			continue
		}
		params := map[string]interface{}{
			"path": map[string]interface{}{
				"path":               p,
				"basename":           path.Base(p),
				"basenameNormalized": unsafe.ReplaceAllString(path.Base(p), "-"),
				"segments":           strings.Split(p, "/"),
			},
		}
		var buf bytes.Buffer
		if e := tmpl.Execute(&buf, params); e != nil {
			out = append(out, map[string]interface{}{"matched": matched, "error": e.Error()})
			continue
		}
		out = append(out, map[string]interface{}{"matched": matched, "value": buf.String()})
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

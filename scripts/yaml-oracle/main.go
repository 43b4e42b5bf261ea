// Command yaml-oracle decodes a manifest stream from stdin exactly as Argo CD's repo server
// does (apimachinery's YAMLOrJSONDecoder over sigs.k8s.io/yaml) and prints the documents as
// one JSON array, or {"error": "..."}. tenantctl's tests compare its own reader against it.
package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

func main() {
	decoder := utilyaml.NewYAMLOrJSONDecoder(os.Stdin, 4096)
	docs := []interface{}{}
	for {
		var doc interface{}
		err := decoder.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
			return
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(docs); err != nil {
		_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
	}
}

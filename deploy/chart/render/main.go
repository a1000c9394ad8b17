// Renders the Helm chart where no helm binary can be had (the tests; decision 0059): Go's own text/template, the
// engine Helm uses, with the Helm and Sprig functions the chart calls, Helm's built-in objects (.Values, .Release,
// .Chart, .Capabilities) and Helm's rules: templates whose name starts with "_" are only defined, "<no value>"
// renders as nothing, a file that renders to whitespace is left out. Chart.yaml and the values arrive as JSON on
// stdin, {"Chart": ..., "Values": ...} (the tests merge values.yaml with overrides, as `helm template -f` does);
// toYaml writes block YAML, so a template that forgets its nindent breaks here as it would under helm.
//
// Usage: go run . <chart dir> <release name> <namespace> < input.json
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"text/template"
)

func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Float32, reflect.Float64:
		return r.Float() == 0
	case reflect.Int, reflect.Int64, reflect.Int32:
		return r.Int() == 0
	}
	return false
}

func toString(v interface{}) string {
	switch s := v.(type) {
	case string:
		return s
	case nil:
		return ""
	case float64:
		if s == float64(int64(s)) {
			return fmt.Sprintf("%d", int64(s))
		}
	}
	return fmt.Sprint(v)
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// toYaml writes block YAML as Helm's does (keys sorted, a list under a key at the key's indentation), without a
// trailing newline; every string is double-quoted, which YAML reads as the same string.
func toYaml(v interface{}) (string, error) {
	lines, err := yamlLines(v)
	return strings.Join(lines, "\n"), err
}

func yamlScalar(v interface{}) (string, error) {
	out, err := json.Marshal(v)
	return string(out), err
}

func yamlLines(v interface{}) ([]string, error) {
	switch value := v.(type) {
	case map[string]interface{}:
		if len(value) == 0 {
			return []string{"{}"}, nil
		}
		keys := make([]string, 0, len(value))
		for key := range value {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		var lines []string
		for _, key := range keys {
			name, _ := yamlScalar(key)
			if !strings.ContainsAny(key, ":#{}[],&*?|<>=!%@`'\" ") && key != "" {
				name = key
			}
			child := value[key]
			if nested, ok := child.(map[string]interface{}); ok && len(nested) > 0 {
				inner, err := yamlLines(nested)
				if err != nil {
					return nil, err
				}
				lines = append(lines, name+":")
				for _, line := range inner {
					lines = append(lines, "  "+line)
				}
				continue
			}
			if list, ok := child.([]interface{}); ok && len(list) > 0 {
				inner, err := yamlLines(list)
				if err != nil {
					return nil, err
				}
				lines = append(lines, name+":")
				lines = append(lines, inner...)
				continue
			}
			inner, err := yamlLines(child)
			if err != nil {
				return nil, err
			}
			lines = append(lines, name+": "+inner[0])
		}
		return lines, nil
	case []interface{}:
		if len(value) == 0 {
			return []string{"[]"}, nil
		}
		var lines []string
		for _, item := range value {
			inner, err := yamlLines(item)
			if err != nil {
				return nil, err
			}
			lines = append(lines, "- "+inner[0])
			for _, line := range inner[1:] {
				lines = append(lines, "  "+line)
			}
		}
		return lines, nil
	}
	scalar, err := yamlScalar(v)
	return []string{scalar}, err
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: render <chart dir> <release> <namespace> < values.json")
		os.Exit(2)
	}
	chartDir, release, namespace := os.Args[1], os.Args[2], os.Args[3]
	var input struct {
		Values map[string]interface{}
		Chart  map[string]interface{}
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fail(err)
	}
	values := input.Values
	chart := map[string]interface{}{
		"Name": input.Chart["name"], "Version": input.Chart["version"], "AppVersion": input.Chart["appVersion"],
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   chart,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.31.0", "Major": "1", "Minor": "31"},
		},
		"Template": map[string]interface{}{"BasePath": "delbar/templates"},
	}

	root := template.New("chart")
	funcs := template.FuncMap{
		"default": func(d interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || empty(given[0]) {
				return d
			}
			return given[0]
		},
		"empty":   empty,
		"quote":   func(v interface{}) string { return fmt.Sprintf("%q", toString(v)) },
		"squote":  func(v interface{}) string { return "'" + toString(v) + "'" },
		"indent":  indent,
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"trimPrefix": func(prefix, s string) string { return strings.TrimPrefix(s, prefix) },
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"contains":   func(sub, s string) bool { return strings.Contains(s, sub) },
		"hasPrefix":  func(prefix, s string) bool { return strings.HasPrefix(s, prefix) },
		"toString":   toString,
		"toYaml":     toYaml,
		"toJson":     func(v interface{}) (string, error) { out, err := json.Marshal(v); return string(out), err },
		"b64enc":     func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"sha256sum":  func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) },
		"required": func(message string, v interface{}) (interface{}, error) {
			if v == nil || toString(v) == "" {
				return nil, errors.New(message)
			}
			return v, nil
		},
		"fail":   func(message string) (string, error) { return "", errors.New(message) },
		"hasKey": func(m map[string]interface{}, key string) bool { _, ok := m[key]; return ok },
		"dict": func(pairs ...interface{}) map[string]interface{} {
			out := map[string]interface{}{}
			for i := 0; i+1 < len(pairs); i += 2 {
				out[toString(pairs[i])] = pairs[i+1]
			}
			return out
		},
		"list": func(items ...interface{}) []interface{} { return items },
		"ternary": func(a, b interface{}, c bool) interface{} {
			if c {
				return a
			}
			return b
		},
		"int": func(v interface{}) int {
			switch n := v.(type) {
			case float64:
				return int(n)
			case int:
				return n
			}
			var i int
			fmt.Sscan(toString(v), &i)
			return i
		},
		"include": func(string, interface{}) (string, error) { return "", nil }, // replaced below
		"tpl":     func(string, interface{}) (string, error) { return "", nil }, // replaced below
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	root.Funcs(funcs).Option("missingkey=zero")

	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		fail(err)
	}
	sort.Strings(files)
	var rendered []string
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			fail(err)
		}
		name := "delbar/templates/" + filepath.Base(file)
		if _, err := root.New(name).Parse(string(text)); err != nil {
			fail(err)
		}
		if !strings.HasPrefix(filepath.Base(file), "_") && strings.HasSuffix(file, ".yaml") {
			rendered = append(rendered, name)
		}
	}
	var out strings.Builder
	for _, name := range rendered {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, top); err != nil {
			fail(err)
		}
		body := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(body) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, body)
	}
	fmt.Print(out.String())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "render:", err)
	os.Exit(1)
}

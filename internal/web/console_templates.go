package web

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"shuyu/internal/access"
	"shuyu/internal/calendar"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// templates holds one parsed set per language and page: templates whose
// names start with "_" (the layout and shared parts) are in every set, each
// page file in its own, so that every page can define "content".
type templates map[string]map[string]*template.Template

func mustParseTemplates() templates {
	t, err := parseTemplates()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect
	}
	return t
}

func parseTemplates() (templates, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := templates{}
	for lang := range catalogs {
		base, err := template.New("").Funcs(templateFuncs(lang)).ParseFS(templateFS, "templates/_*.html")
		if err != nil {
			return nil, err
		}
		out[lang] = map[string]*template.Template{}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if strings.HasPrefix(name, "_") {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
			if err != nil {
				return nil, fmt.Errorf("console template %s: %w", f, err)
			}
			out[lang][name] = t
		}
	}
	return out, nil
}

// templateFuncs are the helpers templates may call, bound to one language.
func templateFuncs(lang string) template.FuncMap {
	fm := template.FuncMap{
		"t":    func(key string, args ...any) string { return translate(lang, key, args...) },
		"kind": func(k access.Kind) string { return translate(lang, "kind."+string(k)) },
		"role": func(r access.Role) string { return translate(lang, "role."+string(r)) },
		"roles": func(rs []access.Role) string {
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = translate(lang, "role."+string(r))
			}
			return strings.Join(names, translate(lang, "list.sep"))
		},
		"hasRole": func(rs []access.Role, r access.Role) bool { return slices.Contains(rs, r) },
		// local picks the name in the reader's language, falling back to Chinese.
		"local": func(zh, en string) string {
			if lang == "en" && en != "" {
				return en
			}
			return zh
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(calendar.Shanghai()).Format("2006-01-02 15:04:05")
		},
		"b64":        func(b []byte) string { return base64.StdEncoding.EncodeToString(b) },
		"htmlLang":   func() string { return htmlLang[lang] },
		"lang":       func() string { return lang },
		"static":     staticURL,
		"field":      makeField,
		"rolesField": makeRolesField,
	}
	maps.Copy(fm, dataFuncs(lang))
	maps.Copy(fm, govFuncs(lang))
	maps.Copy(fm, sandboxFuncs(lang))
	maps.Copy(fm, productFuncs(lang))
	maps.Copy(fm, disclosureFuncs(lang))
	return fm
}

// staticVersion is a digest of the static files, added to their addresses
// so that browsers may cache them for long and still see every new build.
var staticVersion = func() string {
	h := sha256.New()
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

func staticURL(name string) string { return "/static/" + name + "?v=" + staticVersion }

// staticHandler serves the embedded CSS and JavaScript, without directory
// listings.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

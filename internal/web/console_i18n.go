package web

import (
	"fmt"
	"net/http"
	"time"
)

// The console speaks Chinese unless the reader switches to English; the
// choice lives in the lang cookie. Every string a page shows comes from one of
// these catalogs (console_msgs*_zh.go and their English twins), which a test keeps
// in step key for key.
const (
	defaultLang = "zh"
	langCookie  = "lang"
)

var catalogs = map[string]map[string]string{
	"zh": merged(messagesZH, supplyMessagesZH, governanceMessagesZH, oversightMessagesZH, sandboxMessagesZH, productMessagesZH, disclosureMessagesZH),
	"en": merged(messagesEN, supplyMessagesEN, governanceMessagesEN, oversightMessagesEN, sandboxMessagesEN, productMessagesEN, disclosureMessagesEN),
}

// merged joins the catalogs of the console's areas; a key in two of them
// is a defect.
func merged(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("console: message " + k + " is defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// htmlLang is the value of <html lang> for each catalog.
var htmlLang = map[string]string{"zh": "zh-CN", "en": "en"}

func langOf(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil {
		if _, ok := catalogs[ck.Value]; ok {
			return ck.Value
		}
	}
	return defaultLang
}

// translate looks key up in lang's catalog and formats it with args. A
// missing key shows as ⟦key⟧, which tests look for, rather than failing the page.
func translate(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = catalogs[defaultLang][key]
	}
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func hasKey(key string) bool { _, ok := catalogs[defaultLang][key]; return ok }

// switchLang handles GET /lang?to=en&back=/console…: it remembers the choice
// for a year and returns to back, which must be a path on this site.
func (c *console) switchLang(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if _, ok := catalogs[to]; !ok {
		to = defaultLang
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		Secure: c.SecureCookies, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}

package identity

import "errors"

// IsBadLogin reports whether err is Login's refusal of a wrong username or
// password, as opposed to a disabled account or a lock. The console shows
// each in the reader's language, and must tell them apart without matching
// the English message.
func IsBadLogin(err error) bool { return errors.Is(err, errBadLogin) }

// Package identity owns who is who: jurisdictions (a city and its counties),
// organizations of each kind, users and their roles, operator staff's
// training and confidentiality records, passwords, console sessions, API
// bearer tokens, application units' API keys and the throttling of failed
// logins.
//
// Every change goes to the ledger in the same transaction. Authorization
// questions go to package access; identity never decides them itself. It
// never stores a password, token or key in the clear: only argon2id hashes of
// passwords and SHA-256 hashes of random tokens.
package identity

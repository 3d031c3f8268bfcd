package ledger

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"
)

// Checkpoint is a signed tree head: the log of size Size has root Root.
type Checkpoint struct {
	Origin    string    `json:"origin"`
	Suite     Suite     `json:"suite"`
	KeyID     string    `json:"key_id"`
	Size      int64     `json:"size"`
	Root      []byte    `json:"root_hash"`
	Time      time.Time `json:"timestamp"`
	Signature []byte    `json:"signature"`
}

// Note is the exact text that the signature covers, one field per line, so
// that anyone can check it with standard tools.
func (c Checkpoint) Note() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "shuyu ledger checkpoint v1\n%s\n%s\n%s\n%d\n%s\n%d\n",
		c.Origin, c.Suite, c.KeyID, c.Size, base64.StdEncoding.EncodeToString(c.Root), c.Time.UnixMicro())
	return b.Bytes()
}

func (c *Checkpoint) sign(k *Key) error {
	c.Suite, c.KeyID = k.Suite, k.ID
	sig, err := k.sign(c.Note())
	if err != nil {
		return err
	}
	c.Signature = sig
	return nil
}

// Verify checks the checkpoint's signature with k.
func (c Checkpoint) Verify(k *Key) error {
	if c.Suite != k.Suite || c.KeyID != k.ID {
		return fmt.Errorf("ledger: checkpoint at size %d was signed by %s key %s, not by %s key %s", c.Size, c.Suite, c.KeyID, k.Suite, k.ID)
	}
	if !k.verify(c.Note(), c.Signature) {
		return fmt.Errorf("ledger: checkpoint at size %d: bad signature", c.Size)
	}
	return nil
}

func (c Checkpoint) String() string {
	return "size " + strconv.FormatInt(c.Size, 10) + " root " + base64.StdEncoding.EncodeToString(c.Root)
}

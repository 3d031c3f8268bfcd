package evaluation

import (
	"io"
	"time"
)

// Upload is an evidence file as it arrives.
type Upload struct {
	Filename string
	Body     io.Reader
}

// File is a stored evidence file, attached to an item of an evaluation or
// to a rectification report.
type File struct {
	ID         string    `json:"id"`
	ItemKey    string    `json:"item_key,omitempty"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// evidenceTypes are the types evaluation and rectification evidence may
// have.
var evidenceTypes = []string{".pdf", ".ofd", ".png", ".jpg", ".jpeg", ".txt", ".docx", ".xlsx", ".zip"}

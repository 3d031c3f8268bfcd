package tender

import (
	"errors"
	"fmt"
	"io"

	"shuyu/internal/errs"
	"shuyu/internal/evidence"
	"shuyu/internal/store"
)

// Upload is an evidence file as it arrives, for one item of Art. 13.
type Upload struct {
	Item     int
	Filename string
	Body     io.Reader
}

// evidenceTypes are the types an application's evidence may have.
var evidenceTypes = []string{".pdf", ".png", ".jpg", ".jpeg", ".ofd", ".xlsx"}

// staged is a received file, not yet kept. Each is kept under its own ID
// (its SHA-256 is recorded with it), so that replacing an application
// removes its files without asking who else sent the same bytes.
type staged struct {
	File
	received evidence.Staged
}

// stage receives u, naming its item in a refusal.
func (s *Service) stage(u Upload) (staged, error) {
	st, err := s.files.Stage(u.Filename, u.Body)
	if e, ok := errors.AsType[*errs.Error](err); ok {
		e.Message = fmt.Sprintf("item %d: %s", u.Item, e.Message)
	}
	if err != nil {
		return staged{}, err
	}
	return staged{received: st, File: File{ID: store.NewID(), Item: u.Item, Filename: st.Filename, MediaType: st.MediaType,
		Bytes: st.Size, SHA256: st.SHA256}}, nil
}

// discard removes files staged or kept for a transaction that failed.
func (s *Service) discard(files []staged) {
	for _, f := range files {
		s.files.Discard(f.received)
		s.files.Remove(f.ID)
	}
}

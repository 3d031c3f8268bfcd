package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// process is a server this command started, and where it answers.
type process struct {
	url, password string
	cmd           *exec.Cmd
	dir           string
}

// stop ends the server (SIGINT: shuyu flushes its meter) and removes its
// temporary directory.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}

// startShuyu seeds the demo into a fresh temporary directory and serves it
// on a free loopback port, its log in the directory's serve.log.
func startShuyu(ctx context.Context, c config) (*process, error) {
	dir, err := os.MkdirTemp("", "shuyuload-")
	if err != nil {
		return nil, err
	}
	password := "Load-" + rand.Text()
	global := []string{"--data", filepath.Join(dir, "data")}
	if c.db != "" {
		global = append(global, "--db", c.db)
	}
	seed := exec.CommandContext(ctx, c.shuyu, append([]string{"demo", "--seed-only", "--rows-scale", "0.05", "--password", password}, global...)...)
	if out, err := seed.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("seed the demo with %s: %w\n%s", c.shuyu, err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(c.shuyu, append([]string{"serve", "--addr", "127.0.0.1:0", "--calls-per-second", strconv.FormatFloat(c.rate, 'f', -1, 64)}, global...)...)
	cmd.Stderr = logFile
	p, err := start(ctx, cmd, "shuyu is serving at ")
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w (see the log kept in %s)", err, dir)
	}
	p.dir, p.password = dir, password
	return p, nil
}

// startBare runs this command again as the bare baseline server answering
// answer.
func startBare(ctx context.Context, answer []byte) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "--serve-bare", string(answer))
	cmd.Stderr = os.Stderr
	return start(ctx, cmd, "bare server at ")
}

// start runs cmd and waits for the line of its standard output that
// starts with prefix and gives its URL.
func start(ctx context.Context, cmd *exec.Cmd, prefix string) (*process, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	p := &process{cmd: cmd}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				found <- strings.TrimSuffix(u, "/")
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u, ok := <-found:
		if ok {
			p.url = u
			return p, nil
		}
		p.stop()
		return nil, fmt.Errorf("%s exited without serving", cmd.Path)
	case <-time.After(2 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("%s did not serve within 2 minutes", cmd.Path)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// serveBare is the baseline: a bare net/http server on a free loopback
// port that reads each request's body and answers answer as JSON, what the
// gateway answers, over the same kind of connection.
func serveBare(ctx context.Context, answer string, w io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	body := []byte(answer)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})}
	fmt.Fprintf(w, "bare server at http://%s/\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

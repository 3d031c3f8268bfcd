// Command shuyu is the public data resource authorized-operation platform
// (公共数据资源授权运营平台). It only parses flags and the environment and
// calls package app.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"shuyu/internal/errs"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := rootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "shuyu:", message(err))
		var exit exitError
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		os.Exit(1)
	}
}

// exitError asks for a particular exit status.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// message shows an error as a person needs it: the public message of our own
// errors, the whole chain of others.
func message(err error) string {
	if e, ok := errors.AsType[*errs.Error](err); ok && e.Code != errs.Internal {
		return e.Message
	}
	return err.Error()
}

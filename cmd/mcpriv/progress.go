package main

import (
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// isTerminal reports whether w is a character device (a terminal), without
// any dependency: pipes, files and buffers are not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "scanning PATH [#####.....] 12/40" on one terminal line.
// The engine reports progress from many goroutines at once; they only
// record numbers, and a single ticker redraws at most ten times a second,
// so a large tree does not flood the terminal.
type progressBar struct {
	w    io.Writer
	mu   sync.Mutex
	root string
	gen  int // bumped by Callback: the bar shows the PATH started last
	done int
	tot  int
	last string // the line on screen, "" when none
	stop chan struct{}
	wg   sync.WaitGroup
}

const progressInterval = 100 * time.Millisecond

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{w: w, stop: make(chan struct{})}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
				b.draw()
			}
		}
	}()
	return b
}

// Callback returns the progress function for one root.
func (b *progressBar) Callback(root string) func(done, total int) {
	b.mu.Lock()
	b.gen++
	gen := b.gen
	b.root, b.done, b.tot = root, 0, 0
	b.mu.Unlock()
	return func(done, total int) {
		b.mu.Lock()
		// Calls race each other: keep the highest count seen. A PATH
		// still finishing beside the next one no longer draws.
		if gen == b.gen && (done > b.done || total != b.tot) {
			b.done, b.tot = done, total
		}
		b.mu.Unlock()
	}
}

func (b *progressBar) draw() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tot == 0 {
		return
	}
	const width = 30
	fill := width * min(b.done, b.tot) / b.tot
	root := display.Escape(b.root)
	if len(root) > 40 {
		root = "…" + root[len(root)-39:]
	}
	line := fmt.Sprintf("scanning %s [%s%s] %d/%d files", root,
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), b.done, b.tot)
	if line == b.last {
		return
	}
	// \r and clear-to-end-of-line: redraw in place, shorter lines leave no tail.
	fmt.Fprintf(b.w, "\r\x1b[K%s", line)
	b.last = line
}

// Stop ends the redraws and erases the bar, so the report starts on a clean
// line. Safe on a nil bar.
func (b *progressBar) Stop() {
	if b == nil {
		return
	}
	close(b.stop)
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last != "" {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.last = ""
	}
}

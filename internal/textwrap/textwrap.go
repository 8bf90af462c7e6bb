// Package textwrap breaks prose into lines for terminal output.
package textwrap

import "strings"

// Wrap breaks text into lines of at most width bytes at spaces (a word longer
// than width stands alone on its line). Runs of white space become one space.
func Wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

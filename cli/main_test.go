package cli

import (
	"os"
	"testing"
)

// The test binary doubles as the actbench program: with ACTBENCH_CLI_CHILD
// set it runs Run on its arguments and exits with its status, so that tests
// can send real signals to a real process.
func TestMain(m *testing.M) {
	if os.Getenv("ACTBENCH_CLI_CHILD") != "" {
		Main()
	}
	os.Exit(m.Run())
}

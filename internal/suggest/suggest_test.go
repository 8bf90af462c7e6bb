package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"", "abc", 3}, {"mnist", "mnist", 0}, {"mnsit", "mnist", 2}, {"kitten", "sitting", 3}, {"cifar1O", "cifar10", 1}} {
		if got := Distance(c.a, c.b); got != c.d || Distance(c.b, c.a) != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"cifar10", "cifar100", "mnist"}
	for in, want := range map[string]string{"mnsit": "mnist", "cifar01": "cifar10", "cifar1000": "cifar100", "imagenet": ""} {
		if got := Closest(in, names, 2); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

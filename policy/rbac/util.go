package rbac

import "sort"

// lineOrder orders lines as Argo CD loads them: built-in policy first, then
// the policy keys in composition order (key order is fixed by the caller,
// so line numbers within a key decide).
func lineLess(a, b *Line) bool {
	if a.Builtin() != b.Builtin() {
		return a.Builtin()
	}
	if a.Key != b.Key {
		return keyLess(a.Key, b.Key)
	}
	return a.Line < b.Line
}

// keyLess orders policy keys as Compose joins them.
func keyLess(a, b string) bool {
	if a == KeyPolicyCSV || b == KeyPolicyCSV {
		return a == KeyPolicyCSV && b != KeyPolicyCSV
	}
	return a < b
}

func sortLines(ls []*Line) {
	sort.SliceStable(ls, func(i, j int) bool { return lineLess(ls[i], ls[j]) })
}

func sortStrings(s []string) { sort.Strings(s) }

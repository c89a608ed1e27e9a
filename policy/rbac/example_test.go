package rbac_test

import (
	"fmt"

	"github.com/argoguard/argoguard/policy/rbac"
)

func Example() {
	p := rbac.Parse(map[string]string{
		"policy.csv":     "p, role:dev, applications, sync, team-a/*, allow\ng, devs, role:dev",
		"policy.default": "role:readonly",
	})
	e, err := rbac.NewEnforcer(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Enforce("devs", "applications", "sync", "team-a/web"))
	fmt.Println(e.Enforce("devs", "applications", "sync", "prod/web"))
	fmt.Println(e.Enforce("anyone", "applications", "get", "prod/web")) // policy.default
	// Output:
	// true
	// false
	// true
}

func ExampleParse_errors() {
	p := rbac.Parse(map[string]string{"policy.csv": "g, devs, role:dev\np, role:dev, applications, sync, team-a/* allow"})
	for _, e := range p.Errors {
		fmt.Println(e)
	}
	// Output:
	// data["policy.csv"] line 2: p line has 5 fields, needs exactly 6 (p, sub, res, act, obj, effect)
}

func ExampleEnforcer_WhoCan() {
	e, _ := rbac.NewEnforcer(rbac.Parse(map[string]string{
		"policy.csv": "p, role:dev, applications, sync, team-a/*, allow\ng, devs, role:dev",
	}))
	for _, g := range e.WhoCan("applications", "sync", "team-a/web").Subjects {
		fmt.Printf("%s (granted by %s, role %v)\n", g.Subject, g.Line.Where(), g.Role)
	}
	// Output:
	// admin (granted by built-in policy line 20, role false)
	// devs (granted by data["policy.csv"] line 1, role false)
	// role:admin (granted by built-in policy line 20, role true)
	// role:dev (granted by data["policy.csv"] line 1, role true)
}

func ExampleDiff() {
	old, _ := rbac.NewEnforcer(rbac.Parse(map[string]string{"policy.csv": "g, devs, role:readonly"}))
	new, _ := rbac.NewEnforcer(rbac.Parse(map[string]string{"policy.csv": "g, devs, role:readonly\np, devs, applications, sync, */*, allow"}))
	for _, c := range rbac.Diff(old, new).Changes {
		fmt.Println(c.Describe())
	}
	// Output:
	// devs gains sync applications */*
}

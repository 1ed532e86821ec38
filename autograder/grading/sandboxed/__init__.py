"""What runs where student code runs: the fork server, the child's lock-down, and the plain-data
protocol and capture it shares with the grader. Self-contained: it imports nothing else of the
package, since the fork server sees only this folder (mounted read-only in its namespaces)."""

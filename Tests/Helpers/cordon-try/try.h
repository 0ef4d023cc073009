// Shared by cordon-try's files: one line per attempt ("ACTION: ok" / "ACTION: errno=NAME").
#pragma once
int report(const char *what, long r);
/// kernel.c's attempts; KERNEL_ATTEMPT_UNKNOWN when the action is not one of them.
#define KERNEL_ATTEMPT_UNKNOWN (-1000)
int kernel_attempt(const char *a, int argc, char **argv);

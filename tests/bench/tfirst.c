/* SPDX-License-Identifier: MIT */
/*
 * Whole-boot timer for scripts/bench.sh: start a command (QEMU) and report
 * the time from just before exec to the first output line containing
 * PATTERN (the kernel's first serial line), keeping the whole output.
 * Usage: tfirst PATTERN OUTFILE CMD [ARGS...]
 * Prints "<ns> <exit status>"; ns is -1 if PATTERN never appeared.
 * TFIRST_NO_THP=1: start CMD with transparent huge pages disabled
 * (prctl PR_SET_THP_DISABLE, inherited across exec), so that QEMU backs
 * guest RAM with 4 KiB host pages (scripts/bench.sh, "nothp" arms).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	int fd[2], st = 0;
	int64_t t0, hit = -1;
	char line[4096];
	FILE *in, *log;
	pid_t pid;

	if (argc < 4 || pipe(fd))
		return 2;
	log = fopen(argv[2], "w");
	if (!log)
		return 2;
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		if (getenv("TFIRST_NO_THP") && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			_exit(126);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	close(fd[1]);
	in = fdopen(fd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		if (hit < 0 && strstr(line, argv[1]))
			hit = now_ns() - t0;
		fputs(line, log);
	}
	waitpid(pid, &st, 0);
	fclose(log);
	printf("%lld %d\n", (long long)hit, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

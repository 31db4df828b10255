// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "program.h"
#include "rootpath.h"

extern char **environ;

#define PROGRAM_MAX_OUTPUT (1u << 20)

struct sink {
	int fd;
	char *buf;
	size_t len;
};

/* Reads what is there; 1 at end of file, 0 for more, -errno. */
static int drain(struct sink *s)
{
	char tmp[4096];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return 1;
	if (s->len + (size_t)n <= PROGRAM_MAX_OUTPUT) {
		char *b = realloc(s->buf, s->len + (size_t)n + 1);

		if (!b)
			return -ENOMEM;
		memcpy(b + s->len, tmp, (size_t)n);
		s->len += (size_t)n;
		b[s->len] = '\0';
		s->buf = b;
	}
	return 0;
}

int program_run(char *const argv[], struct program_result *res)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, r, wstatus;
	struct sink sinks[2] = { { .fd = -1 }, { .fd = -1 } };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	*res = (struct program_result){ 0 };
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errp[1], STDERR_FILENO);
	r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (r < 0)
		goto out;
	sinks[0].fd = outp[0];
	sinks[1].fd = errp[0];
	for (int open_fds = 2; open_fds > 0;) {
		struct pollfd p[2] = { { .fd = sinks[0].fd, .events = POLLIN },
				       { .fd = sinks[1].fd, .events = POLLIN } };

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (sinks[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (drain(&sinks[i]) != 0) {
				sinks[i].fd = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto out;
		}
	}
	res->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	res->out = sinks[0].buf;
	res->err = sinks[1].buf;
	sinks[0].buf = sinks[1].buf = NULL;
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		free(sinks[i].buf);
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return r;
}

void program_result_free(struct program_result *res)
{
	free(res->out);
	free(res->err);
	*res = (struct program_result){ 0 };
}

void program_print(FILE *out, char *const argv[])
{
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789-_=.,:/+@%") == strlen(a);

		if (i)
			fputc(' ', out);
		if (plain) {
			fputs(a, out);
			continue;
		}
		fputc('\'', out);
		for (; *a; a++) {
			if (*a == '\'')
				fputs("'\\''", out);
			else
				fputc(*a, out);
		}
		fputc('\'', out);
	}
	fputc('\n', out);
}

int program_exists(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) <
				 (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

int program_exists_in(const char *root, const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!root || !root[0] || strcmp(root, "/") == 0)
		return program_exists(name);
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		struct stat st;

		/* Only absolute entries: chroot(8) starts the program from "/". */
		if (n && path[0] == '/' &&
		    snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) < (int)sizeof(buf) &&
		    root_stat(root, buf, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

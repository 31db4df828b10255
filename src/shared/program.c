// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
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

/* Can @a go into a shell command line as it is? */
static bool plain_word(const char *a)
{
	return *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_=.,:/+@%") == strlen(a);
}

char *program_format(char *const argv[])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		if (plain_word(argv[i])) {
			fputs(argv[i], f);
			continue;
		}
		fputc('\'', f);
		for (const char *a = argv[i]; *a; a++) {
			if (*a == '\'')
				fputs("'\\''", f);
			else
				fputc(*a, f);
		}
		fputc('\'', f);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Is @name an executable file in one of PATH's directories?  Under a
 * @root (not NULL): as chroot(8) would find it there, so only the absolute
 * entries, looked up inside the root.
 */
static bool in_path(const char *root, const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		bool fits = n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) <
					 (int)sizeof(buf);
		struct stat st;

		if (fits && !root && access(buf, X_OK) == 0)
			return true;
		if (fits && root && path[0] == '/' && root_stat(root, buf, &st) == 0 &&
		    S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

int program_exists(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	return in_path(NULL, name);
}

int program_exists_in(const char *root, const char *name)
{
	if (root_is_plain(root))
		return program_exists(name);
	return in_path(root, name);
}

/*
 * engine.h - the container engine and orchestrator inside the container
 * host: it reads a script (a file of an image, `script=IMAGE:PATH`, or
 * the one line the command line makes, `app=NAME replicas=N ...`), runs
 * services of replicated containers with limits and restart policies,
 * keeps replicas at their count, scales them (by script, or to their CPU
 * use: autoscale.c), and prints ps, stats and a summary. The script
 * language is in docs/containers.md; its text and parser are
 * guest/kernel/script.c.
 */
#ifndef GUEST_KERNEL_ENGINE_H
#define GUEST_KERNEL_ENGINE_H

struct boot_info;

/*
 * Run the container host: images from (bi)'s modules, processes, the
 * script its command line names, and the scheduler until the script is
 * done and every container has ended. Returns the exit code for the run:
 * EXIT_OK, or EXIT_BAD_CONFIG after one line naming the bad option,
 * image, script line or program.
 */
int engine_main(struct boot_info *bi);

#endif /* GUEST_KERNEL_ENGINE_H */

import { shellQuote } from '../../shell/quote.js';
import { DEPLOY_DIR, DIAGNOSIS_MARKER, type HostStep } from './step.js';

/**
 * The stack's images are pulled as soon as Docker answers, in the background, while the
 * rest of configure (the apt transaction that installs Docker included) and release go
 * on; run then waits for that pull instead of pulling. The pull keeps its record here:
 * the images it pulls, its process, its output and, once done, its exit status. /run is
 * emptied at boot, which only means run pulls by itself.
 */
export const IMAGE_PULL_DIR = '/run/torrust-image-pull';

const dir = IMAGE_PULL_DIR;
const imageList = (images: readonly string[]) => images.join(' ');
const sameImages = (images: readonly string[]) => `printf '%s' ${shellQuote(imageList(images))} | cmp -s - ${dir}/images`;

/** How long the background pull waits for Docker to answer (configure installs and starts it meanwhile). */
const DOCKER_WAIT_SECONDS = 600;

/**
 * The background pull itself (`sh -c`, its token then the images as arguments): waits
 * until Docker answers, pulls every image at once, then reports the first failure's
 * status (0 when all came). It writes its status only while the record is still its own
 * (its token): a newer pull may have replaced it.
 */
const PULLER = [
  'token=$1; shift',
  `finish() { if [ "$(cat ${dir}/token 2>/dev/null)" = "$token" ]; then echo "$1" > ${dir}/exit.new && mv ${dir}/exit.new ${dir}/exit; fi; }`,
  'tries=0',
  `until docker info >/dev/null 2>&1; do tries=$((tries + 1)); if [ "$tries" -gt ${DOCKER_WAIT_SECONDS * 2} ]; then echo "Docker did not answer within ${DOCKER_WAIT_SECONDS} s: nothing was pulled"; finish 1; exit 1; fi; sleep 0.5; done`,
  "pids=''",
  'for image in "$@"; do docker pull --quiet "$image" & pids="$pids $!"; done',
  'rc=0',
  'for pid in $pids; do wait "$pid"; status=$?; [ "$status" -eq 0 ] || [ "$rc" -ne 0 ] || rc=$status; done',
  'finish "$rc"',
].join('; ');

/** A script as one double-quoted word, its expansions escaped (shellcheck reads single quotes with `$` as a mistake). */
const doubleQuoted = (script: string) => `"${script.replace(/[\\"$`]/g, '\\$&')}"`;

/**
 * Configure's step, before Docker is installed (and after the mirror is configured): starts
 * the pull, which begins the moment the Docker the install starts answers, and returns.
 * Done when the images are all present, or a pull of exactly these images was already
 * started (run reads its outcome), so an unchanged host is not touched.
 * The pull runs in its own session (setsid) with no tie to the SSH channel, so it
 * outlives the command that started it.
 */
export function startImagePull(images: readonly string[]): HostStep {
  const words = images.map(shellQuote).join(' ');
  return {
    id: 'start-image-pull',
    title: `Start pulling the images in the background as soon as Docker answers (${images.join(', ')}); run waits for them`,
    doneWhen: `docker image inspect ${words} >/dev/null 2>&1 || ${sameImages(images)}`,
    commands: [
      // A pull of other images still going (the config changed): stopped, so it cannot report into this record.
      `{ [ ! -s ${dir}/pid ] || [ -e ${dir}/exit ] || kill -- -"$(cat ${dir}/pid)" 2>/dev/null || true; }`,
      `rm -rf ${dir}`,
      `install -d -m 0700 ${dir}`,
      `printf '%s' ${shellQuote(imageList(images))} > ${dir}/images`,
      `token=$(cat /proc/sys/kernel/random/uuid)`,
      `echo "$token" > ${dir}/token`,
      `{ setsid sh -c ${doubleQuoted(PULLER)} image-pull "$token" ${words} </dev/null >${dir}/log 2>&1 & }`,
      `echo $! > ${dir}/pid`,
      `echo "pulling in the background (process $!): ${images.join(' ')}"`,
    ],
  };
}

/**
 * Run's pull: when configure started a pull of these images, waits for it and takes its
 * outcome (a failed pull fails here with docker's message; a pull that died fails at
 * once), then forgets it, so the next run pulls for itself; otherwise pulls now.
 */
export function awaitImagePull(images: readonly string[]): HostStep {
  const failed = (why: string) => `echo "${DIAGNOSIS_MARKER} ${why}" >&2`;
  return {
    id: 'pull-images',
    title: 'Pull the images (or wait for the pull configure started)',
    commands: [
      [
        `if [ -e ${dir}/images ] && ${sameImages(images)}; then`,
        `while [ ! -e ${dir}/exit ]; do`,
        `if ! kill -0 "$(cat ${dir}/pid 2>/dev/null)" 2>/dev/null && [ ! -e ${dir}/exit ]; then`,
        `rm -rf ${dir}; ${failed('the image pull configure started in the background stopped before it finished; run again: the images are then pulled in the foreground.')}; exit 1; fi;`,
        'sleep 0.2; done;',
        `rc=$(cat ${dir}/exit); log=$(cat ${dir}/log); rm -rf ${dir};`,
        `if [ "$rc" -ne 0 ]; then ${failed('pulling the images in the background failed (docker pull exited $rc); docker said:')}; printf '%s\\n' "$log" | sed 's/^/    /' >&2;`,
        "echo '    Fix the cause (the image names in [images], the registry or its mirror), then run again: the images are then pulled in the foreground.' >&2; exit \"$rc\"; fi;",
        `echo 'pulled in the background since configure: ${images.join(' ')}';`,
        `else rm -rf ${dir}; cd ${DEPLOY_DIR} && docker compose pull --quiet; fi`,
      ].join(' '),
    ],
  };
}

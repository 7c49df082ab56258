// The health gate's wait, in bash: until the app's loopback port answers 200 on /api/health. One
// function serves the root helper's go-live and the deploy user's scripts. A try costs no process
// (bash's /dev/tcp, its clock, a timed `read` as the pause): under emulation a curl, a date and a
// sleep cost 0.5 s per try and delayed every go-live. What the port sends back is the app's, so
// hostile: only the first 64 bytes of the status line are read, within 2 s, and compared to 200.
import { sh, type ShellText } from '../quote';

/** Pause between tries (s). */
export const HEALTH_TRY_PAUSE_S = 0.1;

/**
 * `skiff_health_wait UNIT PORT TIMEOUT`, run right after a restart of UNIT: returns 0 on a 200, or
 * 4 after TIMEOUT s, or 4 as soon as systemd has restarted UNIT twice by itself since the wait
 * began (it crashes on start: waiting out the timeout would only keep the site down longer).
 * NRestarts is counted from its value at the start: an explicit restart does not always zero it
 * (not when the unit was waiting to restart itself: a rollback from a crashing release). It costs
 * a systemctl, so it is read again every fifth try only.
 */
export const HEALTH_WAIT_FUNCTION: ShellText = sh`# One GET /api/health on 127.0.0.1:PORT, at most SECONDS for the answer: sets skiff_health_code to
# the 3-digit status, or empty. No process is started; only 64 bytes of the status line are read.
skiff_health_probe() {
  local fd proto code=
  skiff_health_code=
  # An app that hangs up before the request is written must not kill the shell with SIGPIPE.
  trap '' PIPE
  if { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
    printf 'GET /api/health HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&"$fd" 2>/dev/null || true
    IFS=' ' read -r -t "$2" -n 64 proto code _ <&"$fd" 2>/dev/null || true
    exec {fd}>&-
    code=\${code%$'\\r'}
  fi
  trap - PIPE
  if [[ "$code" =~ ^[0-9]{3}$ ]]; then skiff_health_code=$code; fi
}
skiff_health_wait() {
  local unit=$1 port=$2 timeout=$3 start now code tick tries=0 r0 r rc=
  start=\${EPOCHREALTIME//[!0-9]/}
  r0=$(systemctl show -p NRestarts --value "$unit" 2>/dev/null || echo 0)
  [[ "$r0" =~ ^[0-9]+$ ]] || r0=0
  exec {tick}<> <(:)
  while :; do
    skiff_health_probe "$port" 2
    code=$skiff_health_code
    now=\${EPOCHREALTIME//[!0-9]/}
    if [ "$code" = 200 ]; then echo "healthy: /api/health answered 200 after $(( (now - start) / 1000 )) ms"; rc=0; break; fi
    tries=$((tries + 1))
    if [ $((tries % 5)) -eq 0 ]; then
      r=$(systemctl show -p NRestarts --value "$unit" 2>/dev/null || echo "$r0")
      [[ "$r" =~ ^[0-9]+$ ]] || r=$r0
      if [ $((r - r0)) -ge 2 ]; then echo "unhealthy: the app exited $((r - r0)) times since it was started; it does not stay up" >&2; rc=4; break; fi
    fi
    if [ $(( (now - start) / 1000000 )) -ge "$timeout" ]; then echo "unhealthy: /api/health answered \${code:-nothing} for $timeout s" >&2; rc=4; break; fi
    read -r -t ${HEALTH_TRY_PAUSE_S} -u "$tick" _ 2>/dev/null || true
  done
  exec {tick}>&-
  return "$rc"
}`;

/** The wait as a step of a deploy-user script (exits the script with 4 when unhealthy). */
export function healthWait(app: string, port: number, timeoutS: number): ShellText {
  return sh`${HEALTH_WAIT_FUNCTION}
skiff_health_wait ${`skiff-${app}.service`} ${port} ${timeoutS}`;
}

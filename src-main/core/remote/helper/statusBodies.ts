// The operations overview's one read per server per poll (docs/operations.md): the server's load,
// CPU counters, memory, disk, uptime, pending updates and reboot flag, and for every app its
// service state, memory, CPU time, restarts, last health answer, current release and data size.
// A fixed number of processes whatever the number of apps: one systemctl for every unit, one stat
// for every `current`; the slow parts (pending updates, data sizes) are cached in /run/skiff.
// Written with `$\{` for bash's `${` (this is a JS template); build.ts turns it back.

export const STATUS_FUNCTIONS = String.raw`
# FILE holds a value computed at most MAX seconds ago: print it, or compute it (COMMAND…) and keep it.
status_cached() {
  local file=$1 max=$2 now; shift 2
  now=$\{EPOCHSECONDS}
  if [ -f "$file" ] && [ $((now - $(stat -c %Y "$file"))) -lt "$max" ]; then cat -- "$file"; return 0; fi
  install -d -m 0700 /run/skiff
  "$@" > "$file.new" 2>/dev/null || true
  mv -f "$file.new" "$file"
  cat -- "$file"
}
status_updates() { apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null | grep -c '^Inst' || true; }
status_data_sizes() { du -sb "$APPS"/*/shared/pb_data 2>/dev/null || true; }

verb_status() {
  local line k v app unit port f t health
  local -a units=() cpu=()
  local -A ports=() current=() sizes=()
  printf '==server==\n'
  read -r v _ < /proc/uptime; echo "uptime=$\{v%.*}"
  read -r a b c _ < /proc/loadavg; echo "load=$a $b $c"
  read -r _ cpu_line < <(grep '^cpu ' /proc/stat); echo "cpu=$cpu_line"
  echo "cpus=$(grep -c '^processor' /proc/cpuinfo)"
  while read -r k v _; do case "$k" in MemTotal:) echo "mem_total=$((v * 1024))" ;; MemAvailable:) echo "mem_available=$((v * 1024))" ;; esac; done < /proc/meminfo
  df -B1 --output=size,used / | tail -n 1 | { read -r t u; echo "disk_total=$t"; echo "disk_used=$u"; }
  if [ -e /var/run/reboot-required ]; then echo reboot=yes; else echo reboot=no; fi
  echo "updates=$(status_cached /run/skiff/updates 3600 status_updates)"
  # Apps: each unit's port comes from its own unit file (the --http= Skiff rendered).
  for f in /etc/systemd/system/skiff-*.service; do
    [ -f "$f" ] || continue
    unit=$\{f##*/}; app=$\{unit#skiff-}; app=$\{app%.service}
    case "$app" in backup-*) continue ;; esac
    valid_app "$app" 2>/dev/null || continue
    line=$(grep -o -m 1 -- '--http=127\.0\.0\.1:[0-9]*' "$f" || true)
    ports[$app]=$\{line##*:}
    units+=("$unit")
  done
  printf '==apps==\n'
  [ $\{#units[@]} -gt 0 ] || { printf '==end==\n'; return 0; }
  while read -r line; do
    line=$\{line#\'}; f=$\{line%%\' -> *}; v=$\{line##*-> \'}; v=$\{v%\'}
    app=$\{f#"$APPS/"}; app=$\{app%/current}
    current[$app]=$\{v#releases/}
  done < <(stat -c '%N' -- "$APPS"/*/current 2>/dev/null || true)
  while read -r v f; do app=$\{f#"$APPS/"}; app=$\{app%/shared/pb_data}; sizes[$app]=$v; done < <(status_cached /run/skiff/data-sizes 600 status_data_sizes)
  systemctl show -p Id -p ActiveState -p SubState -p MainPID -p StateChangeTimestamp -p MemoryCurrent -p CPUUsageNSec -p NRestarts -- "$\{units[@]}" 2>/dev/null | {
    local -A p=()
    emit() {
      [ -n "$\{p[Id]:-}" ] || return 0
      app=$\{p[Id]#skiff-}; app=$\{app%.service}
      port=$\{ports[$app]:-}
      # One health probe of an active app (healthWait.ts: 1 s, 64 bytes of what the app answers).
      health=-
      if [ -n "$port" ] && [ "$\{p[ActiveState]:-}" = active ]; then skiff_health_probe "$port" 1; health=$\{skiff_health_code:--}; fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$app" "$\{p[ActiveState]:-}" "$\{p[SubState]:-}" "$\{p[MainPID]:-0}" "$\{p[StateChangeTimestamp]:-}" \
        "$\{p[MemoryCurrent]:-}" "$\{p[CPUUsageNSec]:-}" "$\{p[NRestarts]:-0}" "$health" \
        "$\{current[$app]:--}" "$\{sizes[$app]:--}"
      p=()
    }
    while IFS= read -r line; do
      if [ -z "$line" ]; then emit; continue; fi
      p[$\{line%%=*}]=$\{line#*=}
    done
    emit
  }
  printf '==end==\n'
}
`;

// The app's systemd unit: PocketBase as the app's own service user, sandboxed so that code running
// inside it (a JS hook, an exploited endpoint) can write only its pb_data and reach neither the
// deploy user nor root. The unit does not depend on the release: its folders are always named
// through `current` (PocketBase would otherwise fall back to folders beside pb_data), so switching
// releases never rewrites it. --automigrate=false: a schema change made in the admin UI would write
// a migration file into the release, which is read-only to the app and replaced at the next deploy
// (docs/pocketbase.md); --hooksWatch=false: hooks change only by deploy, which restarts the app. Target: `systemd-analyze security`
// exposure ≤ 2.5 (checked on the VM, printed by `npm run security-report`).
import { fillTemplate } from '../template';
import { appPaths, serviceUser } from '../paths';

export const UNIT_TEMPLATE = `# Managed by Skiff: PocketBase app "{{app}}". Rendered by skiff-root; do not edit.
[Unit]
Description=Skiff app {{app}} (PocketBase)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={{user}}
Group={{user}}
WorkingDirectory={{root}}/current
EnvironmentFile=-/etc/skiff/apps/{{app}}.env
ExecStart={{root}}/current/{{binary}} serve --http=127.0.0.1:{{port}} --dir={{root}}/shared/pb_data --publicDir={{root}}/current/pb_public --hooksDir={{root}}/current/pb_hooks --migrationsDir={{root}}/current/pb_migrations --automigrate=false --hooksWatch=false
Restart=always
RestartSec=5s
LimitNOFILE=4096
TimeoutStopSec=30s
# Sandbox: the app writes only its pb_data; it sees no other process, device, home or kernel knob.
UMask=0077
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ReadWritePaths={{root}}/shared/pb_data
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateUsers=yes
DevicePolicy=closed
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
KeyringMode=private
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources @mount @swap @reboot @raw-io @module @obsolete @debug @cpu-emulation @clock
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`;

export interface UnitInput {
  app: string;
  port: number;
  binary: string;
}

export function renderSystemdUnit(u: UnitInput): string {
  return fillTemplate(UNIT_TEMPLATE, { app: u.app, user: serviceUser(u.app), root: appPaths(u.app).root, binary: u.binary, port: String(u.port) });
}

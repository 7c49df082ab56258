// Every error Skiff shows a user: a code, a message naming the problem, and what to do next.
// Main throws SkiffError; it crosses the boundary as SkiffErrorPayload and is rebuilt in the renderer.

export const ERROR_TEXT = {
  INVALID_INPUT: ['The request was not valid.', 'Correct the highlighted fields and try again.'],
  UNKNOWN_METHOD: ['The app asked for something this version does not support.', 'Restart Skiff; if it persists, report a bug.'],
  NOT_FOUND: ['That item no longer exists.', 'Refresh the list; it may have been removed.'],
  DUPLICATE_NAME: ['A server with that name already exists.', 'Choose another name.'],
  HOST_UNREACHABLE: ['The host could not be reached.', 'Check the host name or IP address and your network connection.'],
  CONNECTION_REFUSED: ['The server refused the connection on that port.', 'Check the SSH port, and that sshd is running and not blocked by a firewall.'],
  CONNECTION_TIMEOUT: ['The server did not answer in time.', 'Check that the server is running and the port is reachable; a firewall may be dropping packets.'],
  CONNECTION_LOST: ['The connection to the server was lost.', 'Try again; if it keeps happening, check the server and your network.'],
  AUTH_FAILED: ['The server rejected the login.', 'Check the user name, and that this key (or password) is authorized for that user on the server.'],
  PASSPHRASE_REQUIRED: ['This private key is protected by a passphrase.', 'Enter the key\'s passphrase in the server settings.'],
  BAD_PASSPHRASE: ['The passphrase does not unlock this private key.', 'Enter the passphrase again; it is the one you chose when the key was created.'],
  BAD_PRIVATE_KEY: ['That file is not a private key Skiff can use.', 'Pick an OpenSSH private key (ed25519 or RSA), not the .pub file.'],
  AGENT_UNAVAILABLE: ['No ssh-agent is running for Skiff to use.', 'Start ssh-agent and add your key (ssh-add), or pick a key file instead.'],
  HOST_KEY_UNTRUSTED: ['This server\'s host key has not been confirmed yet.', 'Connect once and confirm the fingerprint shown.'],
  HOST_KEY_MISMATCH: ['The server\'s host key has CHANGED since you trusted it. Skiff refused to connect.', 'If you re-installed this server, choose "I replaced this server" to trust the new key. Otherwise someone may be intercepting the connection: do not continue.'],
  HOST_KEY_CHANGED_DURING_CONFIRM: ['The host key changed while you were confirming it.', 'Scan the host key again and compare the fingerprint with the one your provider shows.'],
  KEYCHAIN_UNAVAILABLE: ['The OS keychain is not available, so Skiff cannot store secrets.', 'Unlock or start your keychain (on Linux: GNOME Keyring or KWallet with the Secret Service), then try again. Skiff never stores secrets in a file.'],
  SECRET_MISSING: ['A secret Skiff needs is missing from the keychain.', 'Edit the server and enter the key or password again.'],
  SSH_CONFIG_UNREADABLE: ['The SSH config file could not be read.', 'Check that the file exists and is readable.'],
  KEY_FILE_UNREADABLE: ['The key file could not be read.', 'Check the path and the file\'s permissions.'],
  NEEDS_ROOT: ['The login user cannot become root on this server.', 'Log in as root, or as a user with passwordless sudo, for setup.'],
  NOT_DEBIAN: ['Skiff sets up Debian and Ubuntu servers only.', 'Use a Debian 12+ or Ubuntu 22.04+ server.'],
  SETUP_REQUIRED: ['This server has not been set up by Skiff yet.', 'Run "Set up" first: it creates the app user hardening relies on.'],
  LOCKOUT_PREVENTED: ['Skiff stopped before you could be locked out: a fresh login with your key failed.', 'Nothing that affects logins was left changed. Check that the app user\'s authorized_keys holds your key, then run it again.'],
  SSHD_CONFIG_INVALID: ['sshd rejected the new configuration, so Skiff restored the previous one.', 'Read the sshd -t output in the log: another file in /etc/ssh may be broken.'],
  SSHD_CONFLICT: ['Another SSH config file is read before Skiff\'s hardening and would override it.', 'Open "Harden": its preview names the file and line, and can comment them out.'],
  HARDENING_NOT_EFFECTIVE: ['The SSH settings did not take effect after reload, so Skiff restored the previous configuration.', 'Check that /etc/ssh/sshd_config includes sshd_config.d/*.conf before its own settings.'],
  JOB_FAILED: ['The job failed.', 'Read its log for the cause.'],
  VERSION_NOT_ZIP: ['That file is not a zip archive.', 'Export your PocketBase app as a .zip (the pocketbase binary plus pb_public, pb_migrations, pb_hooks).'],
  VERSION_UNSAFE_PATH: ['The zip contains a path that escapes its folder.', 'Rebuild the zip from inside your app folder so every entry is a plain relative path (no "../", no leading "/").'],
  VERSION_SYMLINK: ['The zip contains a symbolic link.', 'Replace links with the files they point to, then zip again.'],
  VERSION_TOO_LARGE: ['The zip is larger than Skiff allows.', 'Leave data (pb_data) and build leftovers out of the zip; raise the limit in settings if the app really is this big.'],
  VERSION_TOO_MANY_ENTRIES: ['The zip has more files than Skiff allows.', 'Leave node_modules, caches and pb_data out of the zip.'],
  VERSION_NO_BINARY: ['The zip has no executable PocketBase binary at its top level.', 'Put the pocketbase binary (or the app\'s configured binary) at the root of the zip, with its executable bit set.'],
  VERSION_ARCH_MISMATCH: ['The binary in this version is built for another CPU than the server\'s.', 'Use the linux build that matches the server (amd64 for x86_64, arm64 for aarch64).'],
  VERSION_AMBIGUOUS: ['The zip could be unpacked differently on the server than Skiff checked it.', 'Re-create the zip with a standard tool (zip -r, 7-Zip, Finder/Explorer) from your app folder.'],
  VERSION_DAMAGED: ['The zip is damaged: an entry\'s contents do not match its size or checksum.', 'Re-create the zip with a standard tool (zip -r, 7-Zip, Finder/Explorer) from your app folder, and copy it again.'],
  VERSION_SPECIAL_FILE: ['The zip contains a special file (a device, named pipe or socket) or a setuid/setgid program.', 'Zip only regular files and folders, and clear setuid/setgid bits (chmod u-s,g-s) before zipping.'],
  VERSION_UNSUPPORTED: ['The zip uses a feature Skiff does not accept (encryption, an unusual compression method, or several disks).', 'Re-create the zip without a password, as a single file, with ordinary (deflate) compression: zip -r, 7-Zip or Finder/Explorer do this by default.'],
  APP_NAME_TAKEN: ['An app with that name already exists on this server.', 'Choose another name.'],
  APP_NAME_FIXED: ['An app\'s name cannot change once it has been deployed (it names its folder and service).', 'Create a new app with the new name and deploy to it.'],
  PORT_IN_USE: ['That port is already used on the server.', 'Leave the port empty to let Skiff pick a free one, or choose another.'],
  NO_FREE_PORT: ['No free port is left in Skiff\'s range (8090–8999) on this server.', 'Remove unused apps or choose a port by hand.'],
  APP_LOCKED: ['Another job holds this app\'s lock.', 'Wait for it to finish. If the desktop that holds it is gone, "Break lock" on the app page releases it (read what it risks first).'],
  DISK_FULL: ['The server does not have enough free disk space for this release.', 'Free space on the server (old backups, logs) or lower "releases to keep".'],
  HEALTH_CHECK_FAILED: ['The new release did not become healthy, so Skiff rolled back to the previous one.', 'Read the app\'s output in the log (migrations, hooks, missing env vars), fix it, and deploy again.'],
  UPLOAD_FAILED: ['The upload did not complete. The running release was not touched.', 'Check the connection and deploy again: Skiff starts the upload over.'],
  RELEASE_NOT_FOUND: ['That release is no longer on the server.', 'Pick one of the releases listed; old ones are pruned after each deploy.'],
  SERVER_UPGRADE_REQUIRED: ['This server was set up by an older Skiff: its apps run as the login user and its helper cannot check signatures.', 'Open the server and choose "Move to per-app service users" (one restart per app, no data lost), then try again.'],
  SERVER_STATE_INVALID: ['Something on the server is not what Skiff wrote, so Skiff refused to use it.', 'Look at the app folder on the server and remove what Skiff did not write, then try again.'],
  SUPERUSER_FAILED: ['The PocketBase superuser could not be set.', 'Read the reason in the log; check the e-mail and password in the app settings.'],
  BACKUP_DAMAGED: ['This backup is damaged: a part does not match its manifest.', 'Use another copy of it (the server\'s or this computer\'s) or another backup. Nothing was stopped or changed.'],
  BACKUP_KEY_WRONG: ['This backup is encrypted with another key than the one in this computer\'s keychain.', 'Restore it on the computer that made it, or import that computer\'s backup key. Nothing was stopped or changed.'],
  BACKUP_NEWER_POCKETBASE: ['This backup was made by a newer PocketBase than the release it would be restored into.', 'Deploy that PocketBase version (or newer) to the app first, then restore. Nothing was stopped or changed.'],
  BACKUP_NO_COPY: ['No copy of this backup is left, neither on this computer nor on the server.', 'Pick another backup.'],
  BACKUP_VERSION_MISSING: ['The version this backup was made with is not in the version library, and the app has no release of it.', 'Add that version (the same zip, or the official PocketBase release) to the library, then restore again.'],
  REMOTE_COMMAND_FAILED: ['A command on the server failed.', 'Read the output above for the cause.'],
  INTERNAL: ['Something went wrong inside Skiff.', 'Try again; if it persists, report a bug with the details.'],
} as const satisfies Record<string, readonly [string, string]>;

export type ErrorCode = keyof typeof ERROR_TEXT;

export interface SkiffErrorPayload {
  code: ErrorCode;
  message: string;
  fix: string;
  /** Technical detail (the underlying error text); never contains secrets. */
  detail?: string;
}

export class SkiffError extends Error {
  readonly code: ErrorCode;
  readonly fix: string;
  readonly detail?: string;

  constructor(code: ErrorCode, opts: { message?: string; fix?: string; detail?: string } = {}) {
    super(opts.message ?? ERROR_TEXT[code][0]);
    this.name = 'SkiffError';
    this.code = code;
    this.fix = opts.fix ?? ERROR_TEXT[code][1];
    this.detail = opts.detail;
  }

  toPayload(): SkiffErrorPayload {
    return { code: this.code, message: this.message, fix: this.fix, ...(this.detail ? { detail: this.detail } : {}) };
  }

  static fromPayload(p: SkiffErrorPayload): SkiffError {
    return new SkiffError(p.code, p);
  }
}

export function isSkiffError(e: unknown): e is SkiffError {
  return e instanceof SkiffError;
}

// The audit's read-only look at a server: one section per subject, parsed by ops/audit/evaluate.ts.
// Run by the helper's `audit` verb (as root), or inline by setup's first contact as root/sudo.
import { SSHD_SOURCES_FUNCTION } from './recordBodies';

export const AUDIT_SCRIPT = String.raw`section() { printf '\n==%s==\n' "$1"; }
${SSHD_SOURCES_FUNCTION}
section whoami; id -un
section sshd; sshd -T 2>&1 || echo "SKIFF-ERROR: sshd -T failed"
section ufw; if command -v ufw >/dev/null; then ufw status verbose 2>&1 || true; else echo "SKIFF-MISSING"; fi
section sshdsources; sshd_settings_sources
section listening; ss -ltnH 2>/dev/null | awk '{print $4}' || true
section fail2ban
if command -v fail2ban-client >/dev/null; then
  if systemctl is-active --quiet fail2ban; then fail2ban-client status sshd 2>&1 || echo "SKIFF-NOJAIL"; else echo "SKIFF-INACTIVE"; fi
else echo "SKIFF-MISSING"; fi
section updates; apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null | grep '^Inst' || true
section unattended
if dpkg-query -W -f='$''{Status}' unattended-upgrades 2>/dev/null | grep -q 'install ok installed'; then apt-config dump 2>/dev/null | grep -E '^APT::Periodic::(Unattended-Upgrade|Update-Package-Lists) ' || true; else echo "SKIFF-MISSING"; fi
# A security origin among apt's sources: without one, "no pending security updates" means nothing.
section security; apt-get indextargets --no-release-info --format '$(SITE) $(RELEASE)' 2>/dev/null | sort -u | grep -e '-security' || echo none
section reboot; if [ -e /var/run/reboot-required ]; then echo yes; cat /var/run/reboot-required.pkgs 2>/dev/null || true; else echo no; fi
section sudoers
for f in /etc/sudoers.d/skiff-*; do if [ -e "$f" ]; then echo "# $f"; cat "$f"; fi; done
echo "# sudo group: $(getent group sudo | cut -d: -f4)"
section proc; grep -E '^proc /proc ' /proc/mounts || true
section apps
for u in /etc/systemd/system/skiff-*.service; do
  if [ -e "$u" ]; then n=$(basename "$u" .service); echo "$n $(systemctl show -p User --value "$n" 2>/dev/null)"; fi
done
section end
`;

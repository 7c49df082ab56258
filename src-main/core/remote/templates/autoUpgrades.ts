// Daily package lists and security updates through unattended-upgrades.
export const AUTO_UPGRADES = `// Managed by Skiff: refresh package lists and install security updates every day.
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
`;

// Settings: the account switch "automatic backups" (the original's Settings > Privacy), retention,
// time zone and API backup window, and the API tokens. Each group's own switch is in its settings.
import { useState } from "preact/hooks";
import type { ScreenProps } from "../../app/route";
import { useQuery } from "../../api/hooks";
import { SettingsDocument } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { QueryView } from "../../ui/states";
import { BackupSwitch } from "./BackupSwitch";
import { settingsMessages } from "./messages";
import { RetentionForm, type TimeSettings } from "./RetentionForm";
import "./settings.css";
import { TokensSection } from "./TokensSection";

function AccountSettings({ initial, backupsEnabled }: { initial: TimeSettings; backupsEnabled: boolean }) {
  // Saved values replace the loaded ones: the switch's text names the retention now in force.
  const [settings, setSettings] = useState(initial);
  return (
    <>
      <BackupSwitch enabled={backupsEnabled} retentionDays={settings.backupRetentionDays} />
      <RetentionForm settings={settings} onSaved={setSettings} />
    </>
  );
}

export function SettingsScreen(_props: ScreenProps) {
  const t = useMessages(settingsMessages);
  const page = useQuery(SettingsDocument, { first: 1 });
  return (
    <section aria-labelledby="screen-title" class="settings-screen">
      <ScreenHeading>{t.title}</ScreenHeading>
      <QueryView state={page}>
        {({ viewer }) => (
          <AccountSettings
            key={viewer.id}
            backupsEnabled={viewer.backupsEnabled}
            initial={{
              backupRetentionDays: viewer.backupRetentionDays,
              apiBackupWindowMinutes: viewer.apiBackupWindowMinutes,
              timeZone: viewer.timeZone,
            }}
          />
        )}
      </QueryView>
      <TokensSection />
    </section>
  );
}

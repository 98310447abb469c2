import type { ScreenProps } from "../../app/route";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { EmptyState } from "../../ui/states";
import { importMessages } from "./messages";

export function ImportScreen(_props: ScreenProps) {
  const t = useMessages(importMessages);
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.title}</ScreenHeading>
      <EmptyState title={t.placeholder} />
    </section>
  );
}

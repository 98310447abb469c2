import { defineMessages } from "../../i18n/i18n";

export const settingsMessages = defineMessages({
  en: {
    title: "Settings",
    placeholder: "Automatic backups, retention, time zone and tokens will be set here.",
  },
  fr: {
    title: "Réglages",
    placeholder:
      "Les sauvegardes automatiques, la durée de conservation, le fuseau horaire et les jetons se régleront ici.",
  },
});

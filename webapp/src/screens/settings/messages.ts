// The settings screen's words. The French ones follow the source article (CleverReach's help on
// backups): "sauvegardes automatiques", "Réglages > Confidentialité", "stockées pendant 30 jours
// et ensuite automatiquement supprimées".
import { defineMessages } from "../../i18n/i18n";

const backupsEn = (n: number) => (n === 1 ? "1 backup" : `${n} backups`);
const backupsFr = (n: number) => (n <= 1 ? `${n} sauvegarde` : `${n} sauvegardes`);
const daysEn = (n: number) => (n === 1 ? "1 day" : `${n} days`);
const daysFr = (n: number) => (n <= 1 ? `${n} jour` : `${n} jours`);

export const settingsMessages = defineMessages({
  en: {
    title: "Settings",
    // Privacy: the account switch
    privacyTitle: "Privacy",
    backupSwitch: "Automatic backups",
    backupSwitchHelp: (days: number) =>
      `When on, listkeeper backs a group up before each import, group deletion and restore. Backups are kept ${daysEn(days)}, then deleted automatically. Each group also has its own switch (group settings).`,
    backupsOn: "Automatic backups are on.",
    backupsOff: "Automatic backups are off: imports, deletions and restores make no backup.",
    // Retention, API window, time zone
    keepTitle: "Retention and time",
    retentionLabel: "Keep backups for (days)",
    retentionHelp: "1 to 365 days. A change applies to the backups already taken.",
    retentionRange: "Enter a whole number of days from 1 to 365.",
    windowLabel: "API backup window (minutes)",
    windowHelp:
      "An API write backs its group up when the group's latest backup is older than this. 0: every API write.",
    windowRange: "Enter a whole number of minutes from 0 to 1440.",
    zoneLabel: "Time zone",
    zoneHelp: "An IANA name such as Europe/Paris: the backups screen shows its days in it.",
    zoneUnknown: "Choose a time zone from the list (such as Europe/Paris or UTC).",
    save: "Save",
    saving: "Saving…",
    saved: "Settings saved.",
    nothingChanged: "Nothing to save: the values are the ones already set.",
    toRemove: (n: number) =>
      n === 0
        ? "No backup is past its expiry."
        : `The next retention sweep will delete ${backupsEn(n)} now past their expiry.`,
    // The confirmation before shortening retention
    confirmTitle: "Shorten the retention?",
    confirmCounting: "Counting the backups this removes…",
    confirmCount: (n: number, days: number, more: boolean) =>
      n === 0 && !more
        ? `No backup is older than ${daysEn(days)}: none will be deleted.`
        : `${more ? "At least " : ""}${backupsEn(n)} older than ${daysEn(days)} will be deleted at the next retention sweep. This cannot be undone.`,
    confirmFrom: (before: number, after: number) => `From ${daysEn(before)} to ${daysEn(after)}.`,
    confirmSave: "Shorten and save",
    cancel: "Cancel",
    // Tokens
    tokensTitle: "API tokens",
    tokensHelp:
      "A token lets a program (or this app) use the account. Its secret is shown once, when it is made.",
    tokensEmpty: "No token yet.",
    tokenUnnamed: "(no name)",
    tokenCurrent: "this session",
    tokenCreated: (when: string) => `Created ${when}`,
    tokenExpires: (when: string) => `expires ${when}`,
    tokenNeverExpires: "never expires",
    tokenLastUsed: (when: string) => `last used ${when}`,
    tokenNeverUsed: "never used",
    revoke: "Revoke",
    revokeLabel: (name: string) => `Revoke ${name}`,
    revokeConfirm: (name: string) =>
      `Revoke ${name}? Programs using it are refused from their next request on.`,
    revokeCurrentConfirm: (name: string) =>
      `Revoke ${name}? It is the token of this session: you will be signed out.`,
    revokeNow: "Revoke now",
    revoked: (name: string) => `${name} was revoked.`,
    createTitle: "New token",
    tokenName: "Name",
    tokenNameHelp: "1 to 100 characters, e.g. where the token is used.",
    tokenNameMissing: "Enter a name of 1 to 100 characters.",
    tokenExpiry: "Expires",
    expiryNever: "Never",
    expiryDays: (days: number) => `In ${days} days`,
    create: "Create the token",
    creating: "Creating…",
    secretTitle: (name: string) => `Token ${name} created`,
    secretHelp: "Copy it now: it is shown this once only. Send it as 'Authorization: Bearer <token>'.",
    secretLabel: "The new token",
    copy: "Copy",
    copied: "Copied.",
    copyFailed: "Could not copy: select the token and copy it yourself.",
    secretDone: "I have copied it",
  },
  fr: {
    title: "Réglages",
    privacyTitle: "Confidentialité",
    backupSwitch: "Sauvegardes automatiques",
    backupSwitchHelp: (days: number) =>
      `Activées, listkeeper crée automatiquement une sauvegarde du groupe avant chaque importation, suppression de groupe et restauration. Ces sauvegardes sont stockées pendant ${daysFr(days)} et sont ensuite automatiquement supprimées. Chaque groupe a aussi son propre réglage (paramètres du groupe).`,
    backupsOn: "Les sauvegardes automatiques sont activées.",
    backupsOff:
      "Les sauvegardes automatiques sont désactivées : importations, suppressions et restaurations ne créent aucune sauvegarde.",
    keepTitle: "Conservation et fuseau horaire",
    retentionLabel: "Conserver les sauvegardes pendant (jours)",
    retentionHelp: "De 1 à 365 jours. Un changement s’applique aussi aux sauvegardes déjà faites.",
    retentionRange: "Saisissez un nombre entier de jours entre 1 et 365.",
    windowLabel: "Fenêtre de sauvegarde de l’API (minutes)",
    windowHelp:
      "Une écriture par l’API sauvegarde son groupe si la dernière sauvegarde du groupe est plus ancienne. 0 : à chaque écriture.",
    windowRange: "Saisissez un nombre entier de minutes entre 0 et 1440.",
    zoneLabel: "Fuseau horaire",
    zoneHelp: "Un nom IANA comme Europe/Paris : l’écran des sauvegardes affiche ses jours dans ce fuseau.",
    zoneUnknown: "Choisissez un fuseau horaire de la liste (comme Europe/Paris ou UTC).",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "Réglages enregistrés.",
    nothingChanged: "Rien à enregistrer : ces valeurs sont déjà les réglages actuels.",
    toRemove: (n: number) =>
      n === 0
        ? "Aucune sauvegarde n’a dépassé sa date d’expiration."
        : `Le prochain nettoyage supprimera ${backupsFr(n)} ayant dépassé leur date d’expiration.`,
    confirmTitle: "Raccourcir la conservation ?",
    confirmCounting: "Décompte des sauvegardes supprimées…",
    confirmCount: (n: number, days: number, more: boolean) =>
      n === 0 && !more
        ? `Aucune sauvegarde n’a plus de ${daysFr(days)} : aucune ne sera supprimée.`
        : `${more ? "Au moins " : ""}${backupsFr(n)} de plus de ${daysFr(days)} ${n <= 1 && !more ? "sera supprimée" : "seront supprimées"} au prochain nettoyage. C’est irréversible.`,
    confirmFrom: (before: number, after: number) => `De ${daysFr(before)} à ${daysFr(after)}.`,
    confirmSave: "Raccourcir et enregistrer",
    cancel: "Annuler",
    tokensTitle: "Jetons d’API",
    tokensHelp:
      "Un jeton permet à un programme (ou à cette application) d’utiliser le compte. Son secret n’est affiché qu’une fois, à sa création.",
    tokensEmpty: "Aucun jeton pour l’instant.",
    tokenUnnamed: "(sans nom)",
    tokenCurrent: "cette session",
    tokenCreated: (when: string) => `Créé le ${when}`,
    tokenExpires: (when: string) => `expire le ${when}`,
    tokenNeverExpires: "n’expire jamais",
    tokenLastUsed: (when: string) => `dernière utilisation le ${when}`,
    tokenNeverUsed: "jamais utilisé",
    revoke: "Révoquer",
    revokeLabel: (name: string) => `Révoquer ${name}`,
    revokeConfirm: (name: string) =>
      `Révoquer ${name} ? Les programmes qui l’utilisent seront refusés dès leur prochaine requête.`,
    revokeCurrentConfirm: (name: string) =>
      `Révoquer ${name} ? C’est le jeton de cette session : vous serez déconnecté.`,
    revokeNow: "Révoquer maintenant",
    revoked: (name: string) => `${name} a été révoqué.`,
    createTitle: "Nouveau jeton",
    tokenName: "Nom",
    tokenNameHelp: "De 1 à 100 caractères, par exemple l’endroit où le jeton sert.",
    tokenNameMissing: "Saisissez un nom de 1 à 100 caractères.",
    tokenExpiry: "Expiration",
    expiryNever: "Jamais",
    expiryDays: (days: number) => `Dans ${days} jours`,
    create: "Créer le jeton",
    creating: "Création…",
    secretTitle: (name: string) => `Jeton ${name} créé`,
    secretHelp:
      "Copiez-le maintenant : il n’est affiché que cette fois. Envoyez-le comme « Authorization: Bearer <jeton> ».",
    secretLabel: "Le nouveau jeton",
    copy: "Copier",
    copied: "Copié.",
    copyFailed: "Copie impossible : sélectionnez le jeton et copiez-le vous-même.",
    secretDone: "Je l’ai copié",
  },
});

export type SettingsText = (typeof settingsMessages)["en"];

// The rich-text editor of the administration (Trix): French labels, text only (no files).
Object.assign(Trix.config.lang, {
  attachFiles: "Joindre des fichiers",
  bold: "Gras",
  bullets: "Liste à puces",
  captionPlaceholder: "Ajouter une légende…",
  code: "Code",
  heading1: "Intertitre",
  indent: "Augmenter le retrait",
  italic: "Italique",
  link: "Lien",
  numbers: "Liste numérotée",
  outdent: "Diminuer le retrait",
  quote: "Citation",
  redo: "Rétablir",
  remove: "Retirer",
  strike: "Barré",
  undo: "Annuler",
  unlink: "Retirer le lien",
  url: "Adresse du lien",
  urlPlaceholder: "Saisissez une adresse (https://…)",
});

document.addEventListener("trix-file-accept", function (event) {
  event.preventDefault();
});

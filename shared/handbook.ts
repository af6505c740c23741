/**
 * The candidate rules a candidate acknowledges before the exam starts (stored with this version and the time).
 * These are this platform's testing rules, written for cpt-exam; they are not MSSC's Candidate Handbook.
 */
export const HANDBOOK_VERSION = 'cpt-exam-rules-2026.1';

export const HANDBOOK_SECTIONS: { title: string; text: string }[] = [
  { title: 'Identity and admission', text: 'A proctor checks your photo ID before admitting you. Only the person admitted may take the exam.' },
  { title: 'Materials', text: 'Put away phones, watches, notes and bags. Use only the scrap paper the proctor gives you; return it at the end.' },
  { title: 'Time', text: 'The exam lasts 90 minutes unless you have an approved accommodation. The server keeps the time: the clock shown on screen follows it, and the exam ends by itself when time runs out.' },
  { title: 'Answers', text: 'Each answer is saved on the server as you choose it; the status bar shows whether every answer is saved. You can change answers, flag questions and review before you submit.' },
  { title: 'Conduct', text: 'Do not talk to other candidates, copy or record questions, or leave the exam screen. Leaving the window or full screen is reported to the proctor. The proctor may pause or end an exam for misconduct.' },
  { title: 'Content', text: 'Questions are confidential. Do not share them with anyone, during or after the exam.' },
  { title: 'Results', text: 'You see your score, pass or fail against the cut score, and a diagnostic by Key Work Activity when the exam ends. The diagnostic is for self-improvement and does not decide pass or fail.' },
];

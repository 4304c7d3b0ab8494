// Pure speech: amounts and messages as prompt names and text. No I/O; sip/announce turns them into audio.
export { chooseLanguage, balanceMessage, insufficientMessage, lowFundsMessage, messageText, MAX_WARNING_SECONDS, type Message } from './messages';
export { sayAmount, frenchAmount, englishAmount } from './amount';
export { frenchNumber } from './french';
export { englishNumber } from './english';
export { renderPhrase, type Token, type Glue } from './tokens';
export { SPOKEN_CURRENCIES } from './currencies';
export { MAX_SPOKEN_NUMBER, type Gender } from './numbers';
export { VOCABULARY, LANGUAGES, promptNames, type Language, type FrenchWord, type EnglishWord } from './vocabulary';

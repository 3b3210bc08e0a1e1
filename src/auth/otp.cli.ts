import { checkEnvironment } from '../config/environment';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import qrcode from 'qrcode-terminal';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { AppUser } from './app-user.entity';
import { otpauthUri, totpNow } from './one-time-passwords';

/**
 * `npm run otp -- USERNAME [--qr]`: for trying the service by hand, what a user's
 * authenticator app would hold: the otpauth:// URI (and its QR code, to scan with a
 * phone) and the code of this moment. Reads the database DATABASE_URL names.
 */
async function main(argv: string[]): Promise<number> {
  const username = argv.find((a) => !a.startsWith('--'));
  if (!username) {
    console.error('usage: npm run otp -- USERNAME [--qr]');
    return 1;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    const user = await app.get(DataSource).manager.findOneBy(AppUser, { username: username.toLowerCase() });
    if (!user?.totpSecret) {
      console.error(`${username}: no such user, or no authenticator app registered (OTPs go by e-mail)`);
      return 2;
    }
    const uri = otpauthUri(user.totpSecret, user.username);
    if (argv.includes('--qr')) qrcode.generate(uri, { small: true });
    console.log(uri);
    console.log(await totpNow(user.totpSecret, new Date()));
    return 0;
  } finally {
    await app.close();
  }
}

checkEnvironment();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
